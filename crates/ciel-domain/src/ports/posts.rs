//! The post store: posts, their media, likes and comments.

use async_trait::async_trait;

/// Posts, likes and comments, inside a unit of work.
#[async_trait]
pub trait PostStore: Send {}
