//! `Media` on the wire (contract §1.8).

use ciel_app::MediaView;
use ciel_domain::time::format_timestamp;
use serde::Serialize;

/// A processed media with presigned URLs.
#[derive(Serialize)]
pub struct MediaDto {
    id: String,
    owner_id: String,
    original_key: String,
    thumb_key: String,
    medium_key: String,
    width: i32,
    height: i32,
    bytes: i64,
    created_at: String,
    thumb_url: Option<String>,
    medium_url: Option<String>,
    original_url: Option<String>,
}

impl From<MediaView> for MediaDto {
    fn from(v: MediaView) -> Self {
        let m = v.media;
        Self {
            id: m.id.to_string(),
            owner_id: m.owner_id.to_string(),
            original_key: m.original_key,
            thumb_key: m.thumb_key,
            medium_key: m.medium_key,
            width: m.width,
            height: m.height,
            bytes: m.bytes,
            created_at: format_timestamp(&m.created_at),
            thumb_url: v.thumb_url,
            medium_url: v.medium_url,
            original_url: v.original_url,
        }
    }
}
