//! The trust port.

use crate::UserId;
use crate::ports::repo::RepoError;
use crate::time::Timestamp;
use crate::trust::{TrustEvent, TrustRecord};
use async_trait::async_trait;

/// Reads and changes trust records.
#[async_trait]
pub trait TrustRepo: Send + Sync + 'static {
    /// The user's record; `None` when there is none (counts as level 0).
    async fn get(&self, user: UserId) -> Result<Option<TrustRecord>, RepoError>;

    /// Applies `event` with [`TrustRecord::apply`] in one transaction (row locked; created at
    /// level 0 when missing).
    async fn apply(&self, user: UserId, event: TrustEvent, now: Timestamp)
    -> Result<(), RepoError>;
}
