//! The maintenance store: what the scheduled cleanup jobs read and write (contract §3.3, §3.5,
//! §3.6), and the lock that elects one executor per run across every instance.
//!
//! # Example
//!
//! One cleanup step: only the holder of the maintenance lock purges, with the domain's cutoff:
//!
//! ```
//! use chrono::Utc;
//! use ciel_domain::ports::{MaintenanceStore, RepoError};
//! use ciel_domain::retention::story_purge_cutoff;
//!
//! async fn purge_stories(store: &mut dyn MaintenanceStore) -> Result<Option<u64>, RepoError> {
//!     if !store.try_lock_maintenance().await? {
//!         return Ok(None); // another instance runs this hour's cleanup
//!     }
//!     store.purge_stories_expired_before(story_purge_cutoff(Utc::now())).await.map(Some)
//! }
//! # let _ = purge_stories;
//! let now = Utc::now();
//! assert_eq!(now - story_purge_cutoff(now), chrono::Duration::hours(48));
//! ```

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
