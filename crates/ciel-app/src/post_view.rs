//! What a post response carries besides the post: the first media with URLs, the owner's
//! avatar URL, counts and whether the viewer liked it — each present only where the contract
//! shows it for that endpoint.
//!
//! # Example
//!
//! ```
//! use chrono::Utc;
//! use ciel_app::PostView;
//! use ciel_domain::posts::Post;
//! use ciel_domain::visibility::PostVisibility;
//! use ciel_domain::{PostId, UserId};
//!
//! let post = Post {
//!     id: PostId::generate(),
//!     owner_id: UserId::generate(),
//!     owner_handle: Some("ann".into()),
//!     owner_display_name: Some("Ann".into()),
//!     owner_avatar_key: None,
//!     caption: Some("sunset".into()),
//!     media_ids: Vec::new(),
//!     visibility: PostVisibility::Public,
//!     created_at: Utc::now(),
//! };
//! let view = PostView::bare(post.clone());
//! assert_eq!(view.post, post);
//! assert!(view.counts.is_none() && view.liked_by_viewer.is_none() && view.primary_media.is_none());
//! ```

use crate::media_urls::MediaView;
use ciel_domain::posts::{Post, PostCounts};

/// A post as an endpoint returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostView {
    /// The post.
    pub post: Post,
    /// `primary_media`: the Media of `media_ids[0]`, where the endpoint embeds it.
    pub primary_media: Option<MediaView>,
    /// `owner_avatar_url`, when the owner has an avatar.
    pub owner_avatar_url: Option<String>,
    /// `like_count` and `comment_count`, where the endpoint shows counts.
    pub counts: Option<PostCounts>,
    /// `liked_by_viewer`, for authenticated callers where the endpoint shows it.
    pub liked_by_viewer: Option<bool>,
}

impl PostView {
    /// The bare post: no media, avatar URL, counts or like flag.
    pub fn bare(post: Post) -> Self {
        Self {
            post,
            primary_media: None,
            owner_avatar_url: None,
            counts: None,
            liked_by_viewer: None,
        }
    }
}
