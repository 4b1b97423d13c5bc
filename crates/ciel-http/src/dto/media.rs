//! `Media`, `UploadIntent` and `UploadStatus` on the wire (contract §1.8), and the upload
//! request body.

use ciel_app::MediaView;
use ciel_app::media::{UploadIntent, UploadState};
use ciel_domain::time::format_timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A processed media with presigned URLs.
#[derive(Serialize, ToSchema)]
#[schema(as = Media)]
pub struct MediaDto {
    #[schema(format = Uuid)]
    id: String,
    #[schema(format = Uuid)]
    owner_id: String,
    original_key: String,
    thumb_key: String,
    medium_key: String,
    width: i32,
    height: i32,
    bytes: i64,
    #[schema(format = DateTime)]
    created_at: String,
    /// Presigned GET, valid 1 h.
    #[schema(required)]
    thumb_url: Option<String>,
    /// Presigned GET, valid 1 h.
    #[schema(required)]
    medium_url: Option<String>,
    /// Presigned GET, valid 1 h.
    #[schema(required)]
    original_url: Option<String>,
    /// Extra (not in the reference): a BlurHash placeholder, `null` when unknown.
    #[schema(required)]
    blurhash: Option<String>,
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
            blurhash: m.blurhash,
        }
    }
}

/// `POST /media/upload` body.
#[derive(Deserialize, ToSchema)]
pub struct UploadBody {
    /// `image/jpeg`, `image/png` or `image/webp`.
    #[schema(value_type = crate::openapi::names::UploadContentType)]
    pub content_type: String,
    /// The exact size of the upload, 1..=`UPLOAD_MAX_BYTES`.
    #[schema(minimum = 1)]
    pub bytes: i64,
}

/// One header the PUT must carry.
#[derive(Serialize, ToSchema)]
#[schema(as = UploadHeader)]
pub struct HeaderDto {
    name: String,
    value: String,
}

/// An upload intent.
#[derive(Serialize, ToSchema)]
#[schema(as = UploadIntent)]
pub struct UploadIntentDto {
    #[schema(format = Uuid)]
    upload_id: String,
    object_key: String,
    upload_url: String,
    expires_in_seconds: u64,
    headers: Vec<HeaderDto>,
}

impl From<UploadIntent> for UploadIntentDto {
    fn from(i: UploadIntent) -> Self {
        Self {
            upload_id: i.upload_id.to_string(),
            object_key: i.object_key,
            upload_url: i.upload_url,
            expires_in_seconds: i.expires_in_seconds,
            headers: i
                .headers
                .into_iter()
                .map(|(name, value)| HeaderDto { name, value })
                .collect(),
        }
    }
}

/// An upload's status.
#[derive(Serialize, ToSchema)]
#[schema(as = UploadStatus)]
pub struct UploadStatusDto {
    #[schema(value_type = crate::openapi::names::UploadStatusValue)]
    status: &'static str,
    /// Set when `completed`.
    #[schema(required, format = Uuid)]
    processed_media_id: Option<String>,
}

impl From<UploadState> for UploadStatusDto {
    fn from(s: UploadState) -> Self {
        Self {
            status: s.status.as_str(),
            processed_media_id: s.processed_media_id.map(|id| id.to_string()),
        }
    }
}
