//! The search store: case-insensitive literal substring search over users and public posts.
//!
//! # Example
//!
//! The term is validated before the store sees it; the store fetches one row more than the page:
//!
//! ```
//! use async_trait::async_trait;
//! use ciel_domain::pagination::{PageLimit, PageRequest};
//! use ciel_domain::ports::{RepoError, SearchStore};
//! use ciel_domain::posts::PostKey;
//! use ciel_domain::search::SearchTerm;
//! use ciel_domain::users::User;
//! use ciel_domain::UserId;
//!
//! struct Nothing;
//! #[async_trait]
//! impl SearchStore for Nothing {
//!     async fn search_users(&mut self, term: &SearchTerm, _: PageRequest) -> Result<Vec<User>, RepoError> {
//!         assert_eq!(term.as_str(), "ada");
//!         Ok(Vec::new())
//!     }
//!     async fn search_post_keys(&mut self, _: &SearchTerm, _: UserId, _: PageRequest) -> Result<Vec<PostKey>, RepoError> {
//!         Ok(Vec::new())
//!     }
//! }
//! let term = SearchTerm::parse(Some("  ada ")).unwrap();
//! let page = PageRequest { limit: PageLimit::parse(Some(20)).unwrap(), after: None };
//! assert!(futures_executor::block_on(Nothing.search_users(&term, page)).unwrap().is_empty());
//! assert!(SearchTerm::parse(Some("a")).is_err(), "one byte is too short");
//! ```

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
