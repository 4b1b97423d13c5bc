//! Posts, likes and comments, and a user's posts (contract §2.5, §2.4, §3.1): the rules run
//! here, inside one unit of work per action; storage only reads and writes.
//!
//! - `write`: create, edit, delete (trust points in the same transaction; home feeds of the
//!   author and every follower invalidated after commit, in one cache call);
//! - `read`: one post with counts, a user's posts;
//! - `engage`: likes and comments (trust points and notifications in the same transaction);
//! - `assemble`: posts in list order with their first media and owner avatar URL.

pub(crate) mod assemble;
mod engage;
mod read;
mod write;

use crate::deps::CoreDeps;
use crate::error::AppError;

/// Posts, likes and comments, and a user's posts (contract §2.5, §3.1).
#[derive(Clone)]
pub struct PostService {
    deps: CoreDeps,
}

impl PostService {
    /// A service over the shared dependencies.
    pub fn new(deps: CoreDeps) -> Self {
        Self { deps }
    }
}

/// 404 for a post that is missing or hidden (the two look the same).
pub(crate) fn post_not_found() -> AppError {
    AppError::NotFound("post not found".into())
}
