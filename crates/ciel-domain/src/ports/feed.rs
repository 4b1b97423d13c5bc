//! The feed store: one page of a viewer's home feed (contract §3.2).

use crate::Cursor;
use crate::UserId;
use crate::ports::repo::RepoError;
use crate::posts::Post;
use async_trait::async_trait;

/// Reads the home feed, inside a unit of work.
#[async_trait]
pub trait FeedStore: Send {
    /// Up to `fetch` posts of `viewer`'s home feed strictly after `after` (from the newest when
    /// `None`), ordered `created_at DESC, id DESC`: the viewer's own posts and those of the
    /// users the viewer follows, all visibilities, without owners that are soft-deleted or in a
    /// block with the viewer in either direction. Each post carries its owner's handle, display
    /// name and avatar key and its media ids in position order. The cost is bounded by the
    /// follow count and `fetch`, not by the number of posts.
    async fn home_feed(
        &mut self,
        viewer: UserId,
        after: Option<Cursor>,
        fetch: i64,
    ) -> Result<Vec<Post>, RepoError>;
}
