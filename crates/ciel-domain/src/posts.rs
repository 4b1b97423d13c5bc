//! Posts: the read model every post response is built from, and the validated caption.

use crate::time::Timestamp;
use crate::visibility::PostVisibility;
use crate::{MediaId, PostId, UserId};

/// A post with what every response shows of its owner and media (contract §1.8 Post, without
/// counts and URLs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Post {
    /// Its id.
    pub id: PostId,
    /// The author.
    pub owner_id: UserId,
    /// The author's handle.
    pub owner_handle: Option<String>,
    /// The author's display name.
    pub owner_display_name: Option<String>,
    /// The author's avatar key (signed into `owner_avatar_url`, never sent raw).
    pub owner_avatar_key: Option<String>,
    /// The post's media, in position order.
    pub media_ids: Vec<MediaId>,
    /// The caption.
    pub caption: Option<String>,
    /// Creation time (the list sort key with `id`).
    pub created_at: Timestamp,
    /// Who may see it.
    pub visibility: PostVisibility,
}

/// Engagement counts of one post, always equal to the rows they count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PostCounts {
    /// Likes.
    pub like_count: i64,
    /// Comments.
    pub comment_count: i64,
}
