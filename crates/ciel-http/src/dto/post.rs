//! `Post` on the wire (contract §1.8): optional fields are left out where the endpoint does not
//! show them. The raw `owner_avatar_key` is never sent (it may name a media id).

use crate::dto::media::MediaDto;
use ciel_app::PostView;
use ciel_domain::time::format_timestamp;
use ciel_domain::visibility::PostVisibility;
use serde::Serialize;
use utoipa::ToSchema;

/// The wire name of a post visibility (§1.2).
pub fn post_visibility_name(v: PostVisibility) -> &'static str {
    match v {
        PostVisibility::Public => "Public",
        PostVisibility::FollowersOnly => "FollowersOnly",
    }
}

/// A post.
#[derive(Serialize, ToSchema)]
#[schema(as = Post)]
pub struct PostDto {
    #[schema(format = Uuid)]
    id: String,
    #[schema(format = Uuid)]
    owner_id: String,
    #[schema(required)]
    owner_handle: Option<String>,
    #[schema(required)]
    owner_display_name: Option<String>,
    /// In position order.
    #[schema(value_type = Vec<uuid::Uuid>)]
    media_ids: Vec<String>,
    /// The Media of `media_ids[0]`, where the endpoint shows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    primary_media: Option<MediaDto>,
    #[schema(required)]
    caption: Option<String>,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(value_type = crate::openapi::names::PostVisibility)]
    visibility: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    owner_avatar_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    like_count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    comment_count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    liked_by_viewer: Option<bool>,
}

impl From<PostView> for PostDto {
    fn from(v: PostView) -> Self {
        let p = v.post;
        Self {
            id: p.id.to_string(),
            owner_id: p.owner_id.to_string(),
            owner_handle: p.owner_handle,
            owner_display_name: p.owner_display_name,
            media_ids: p.media_ids.iter().map(ToString::to_string).collect(),
            primary_media: v.primary_media.map(MediaDto::from),
            caption: p.caption,
            created_at: format_timestamp(&p.created_at),
            visibility: post_visibility_name(p.visibility),
            owner_avatar_url: v.owner_avatar_url,
            like_count: v.counts.map(|c| c.like_count),
            comment_count: v.counts.map(|c| c.comment_count),
            liked_by_viewer: v.liked_by_viewer,
        }
    }
}
