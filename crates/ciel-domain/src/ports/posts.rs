//! The post store: posts, their media, likes and comments.

use crate::PostId;
use crate::ports::repo::RepoError;
use crate::posts::Post;
use async_trait::async_trait;

/// Posts, likes and comments, inside a unit of work.
#[async_trait]
pub trait PostStore: Send {
    /// The posts among `ids` that exist, with their owner's handle, display name and avatar
    /// key and their media ids in position order; in no particular order. Applies no
    /// visibility rule: callers pass ids a visible list or check already produced.
    async fn load_posts(&mut self, ids: &[PostId]) -> Result<Vec<Post>, RepoError>;
}
