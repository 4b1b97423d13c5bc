//! The maintenance store: what the scheduled cleanup jobs read and write (contract §3.3, §3.5,
//! §3.6), the repair of stored followee heads and the trim of the home timelines (the home
//! feed's first page), and the lock that
//! elects one executor per run across every instance.
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

/// A follow edge's place in the repair walk: edges are visited in `(created_at, follower,
/// followee)` order, and a batch resumes after the last key of the previous one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FollowEdgeKey {
    /// When the edge was created.
    pub created_at: Timestamp,
    /// Who follows.
    pub follower: UserId,
    /// Who is followed.
    pub followee: UserId,
}

/// What one batch of the followee-head repair did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HeadRepairBatch {
    /// Edges examined (at most the batch limit; fewer means the walk is done).
    pub examined: u64,
    /// Edges whose stored head differed from the followee's newest post time and was set to it.
    pub repaired: u64,
    /// Stale edges left alone because a post, deletion or follow of that followee held its
    /// head lock (or the edge row) at that moment: the next run looks again.
    pub skipped: u64,
    /// The last edge examined; `None` when there was none.
    pub last: Option<FollowEdgeKey>,
}

/// What one batch of the home-timeline trim did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimelineTrimBatch {
    /// Viewers examined (at most the batch limit; fewer means the walk is done).
    pub examined: u64,
    /// Timeline rows deleted (beyond the ones each viewer keeps).
    pub trimmed: u64,
    /// The last viewer examined, where the next batch starts; `None` when there was none.
    pub last: Option<UserId>,
}

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

    /// Examines at most `limit` follow edges created at or after `since`, in `(created_at,
    /// follower, followee)` order after `after`, and sets the stored head of each one that
    /// differs from its followee's newest post time (none when the followee has no posts) to
    /// that time. Never waits for a lock: a stale edge whose followee or row is locked by a
    /// concurrent writer is counted as skipped.
    async fn repair_followee_heads(
        &mut self,
        since: Timestamp,
        after: Option<FollowEdgeKey>,
        limit: i64,
    ) -> Result<HeadRepairBatch, RepoError>;

    /// Trims the home timelines of at most `limit` users after `after` (in id order) to the
    /// newest rows each keeps, so the table stays about that size per user. What a feed page
    /// shows does not change (a page the trimmed rows would have answered is read from the
    /// posts instead).
    async fn trim_home_timelines(
        &mut self,
        after: Option<UserId>,
        limit: i64,
    ) -> Result<TimelineTrimBatch, RepoError>;

    /// Deletes invalid invite codes that expired before `cutoff`; how many.
    async fn delete_invalid_invites_expired_before(
        &mut self,
        cutoff: Timestamp,
    ) -> Result<u64, RepoError>;
}
