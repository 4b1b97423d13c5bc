//! The search store: case-insensitive literal substring search over users and public posts.

use crate::UserId;
use crate::pagination::PageRequest;
use crate::ports::repo::RepoError;
use crate::posts::PostKey;
use crate::search::SearchTerm;
use crate::users::User;
use async_trait::async_trait;

/// Searches, inside a unit of work.
#[async_trait]
pub trait SearchStore: Send {
    /// Up to `limit + 1` users (not deleted) whose handle or display name contains `term`,
    /// after the cursor, by (created_at, id) DESC.
    async fn search_users(
        &mut self,
        term: &SearchTerm,
        page: PageRequest,
    ) -> Result<Vec<User>, RepoError>;

    /// Up to `limit + 1` keys of public posts visible to `viewer` whose caption contains
    /// `term`, after the cursor, by (created_at, id) DESC.
    async fn search_post_keys(
        &mut self,
        term: &SearchTerm,
        viewer: UserId,
        page: PageRequest,
    ) -> Result<Vec<PostKey>, RepoError>;
}
