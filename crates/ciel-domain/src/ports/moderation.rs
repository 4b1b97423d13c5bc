//! The moderation repository port.

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
