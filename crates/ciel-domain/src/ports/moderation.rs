//! The moderation repository port.
//!
//! # Example
//!
//! ```
//! use async_trait::async_trait;
//! use ciel_domain::moderation::ModerationAction;
//! use ciel_domain::pagination::{Page, PageLimit, PageRequest};
//! use ciel_domain::ports::{ModerationRepo, RepoError};
//!
//! struct EmptyLog;
//! #[async_trait]
//! impl ModerationRepo for EmptyLog {
//!     async fn list_actions(&self, page: PageRequest) -> Result<Page<ModerationAction>, RepoError> {
//!         Ok(Page::from_lookahead(Vec::new(), page.limit, ModerationAction::cursor))
//!     }
//! }
//! let first = PageRequest { limit: PageLimit::parse(None).unwrap(), after: None };
//! let page = futures_executor::block_on(EmptyLog.list_actions(first)).unwrap();
//! assert!(page.items.is_empty() && page.next_cursor.is_none());
//! ```

use crate::moderation::ModerationAction;
use crate::pagination::{Page, PageRequest};
use crate::ports::repo::RepoError;
use async_trait::async_trait;

/// Reads the audit log. Reports and takedowns go through [`crate::ports::ModerationStore`], so
/// their audit row and trust change commit with them.
#[async_trait]
pub trait ModerationRepo: Send + Sync + 'static {
    /// One page of the audit log, newest first (key `(created_at, id)` DESC).
    async fn list_actions(&self, page: PageRequest) -> Result<Page<ModerationAction>, RepoError>;
}
