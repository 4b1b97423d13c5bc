//! The maintenance store: what the scheduled cleanup jobs read and write (contract §3.3, §3.5,
//! §3.6), and the lock that elects one executor per run across every instance.

use crate::UserId;
use crate::ports::repo::RepoError;
use crate::time::Timestamp;
use async_trait::async_trait;

/// Scheduled maintenance, inside a unit of work.
#[async_trait]
pub trait MaintenanceStore: Send {
    /// Tries to take the maintenance lock for the rest of the transaction, without waiting:
    /// `true` when this transaction holds it, `false` when another one does. Released when the
    /// transaction ends (also when the process dies).
    async fn try_lock_maintenance(&mut self) -> Result<bool, RepoError>;

    /// Deletes stories whose `expires_at` is before `cutoff`; how many.
    async fn purge_stories_expired_before(&mut self, cutoff: Timestamp) -> Result<u64, RepoError>;

    /// Sets `account_age_days` (whole days from the trust row's creation to `now`, never
    /// negative) on at most `limit` rows whose stored age differs, locking them; their users.
    async fn refresh_account_ages(
        &mut self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<UserId>, RepoError>;

    /// Deletes invalid invite codes that expired before `cutoff`; how many.
    async fn delete_invalid_invites_expired_before(
        &mut self,
        cutoff: Timestamp,
    ) -> Result<u64, RepoError>;
}
