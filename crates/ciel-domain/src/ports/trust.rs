//! The trust port.

use crate::UserId;
use crate::ports::repo::RepoError;
use crate::time::Timestamp;
use crate::trust::TrustRecord;
use async_trait::async_trait;

/// Reads and changes trust records.
#[async_trait]
pub trait TrustRepo: Send + Sync + 'static {
    /// The user's record; `None` when there is none (counts as level 0).
    async fn get(&self, user: UserId) -> Result<Option<TrustRecord>, RepoError>;
}

/// Trust records inside a unit of work (see [`crate::ports::UnitOfWork`]): the use case locks
/// the row, applies [`TrustRecord::apply`] itself, and stores the result — all in the same
/// transaction as the action that earned or lost the points.
#[async_trait]
pub trait TrustStore: Send {
    /// Locks the user's trust row for the rest of the transaction, creating it at level 0 when
    /// missing, and returns it.
    async fn lock_trust(&mut self, user: UserId) -> Result<TrustRecord, RepoError>;

    /// Writes every field of `record` back to the user's row (and `updated_at = now`).
    async fn store_trust(
        &mut self,
        user: UserId,
        record: &TrustRecord,
        now: Timestamp,
    ) -> Result<(), RepoError>;
}
