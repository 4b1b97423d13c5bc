//! The invite store: invite rows inside a unit of work — locked for consumption, inserted under
//! the creator's quota, and the lineage of who invited whom. The rules run in `ciel-app`.
//!
//! # Example
//!
//! Sign-up consumes a locked invite with the domain rule, then records the use:
//!
//! ```
//! use chrono::{Duration, Utc};
//! use ciel_domain::UserId;
//! use ciel_domain::invites::{Invite, InviteType};
//! use ciel_domain::ports::{InviteStore, RepoError};
//!
//! async fn consume(store: &mut dyn InviteStore, code: &str, user: UserId) -> Result<bool, RepoError> {
//!     let Some(invite) = store.lock_invite(code).await? else { return Ok(false) };
//!     let Ok(used) = invite.consume(user, Utc::now()) else { return Ok(false) };
//!     store.record_invite_use(code, &used).await?;
//!     Ok(true)
//! }
//! # let _ = consume;
//! let now = Utc::now();
//! let invite = Invite {
//!     code: "ABCDEFGHJKMN".into(), created_by: None, used_by: None, created_at: now,
//!     used_at: None, expires_at: now + Duration::days(7), is_valid: true,
//!     invite_type: InviteType::Standard, use_count: 0, max_uses: 1,
//! };
//! let used = invite.consume(UserId::generate(), now).unwrap();
//! assert_eq!((used.use_count, used.is_valid), (1, false), "a single-use code is used up");
//! ```

use crate::UserId;
use crate::invites::{Invite, InviteUse, NewInvite};
use crate::ports::repo::RepoError;
use crate::time::Timestamp;
use async_trait::async_trait;

/// Invite codes, inside a unit of work.
#[async_trait]
pub trait InviteStore: Send {
    /// Locks the code's row for the rest of the transaction and returns it (exact,
    /// case-sensitive match); `None` when there is no such code.
    async fn lock_invite(&mut self, code: &str) -> Result<Option<Invite>, RepoError>;

    /// Stores a use of `code` (count, user, time, validity).
    async fn record_invite_use(&mut self, code: &str, used: &InviteUse) -> Result<(), RepoError>;

    /// Inserts `invite` unless its code exists; `None` on such a collision (nothing written,
    /// the transaction stays usable).
    async fn insert_invite_if_free(
        &mut self,
        invite: &NewInvite,
    ) -> Result<Option<Invite>, RepoError>;

    /// Records that `inviter` brought `invitee` in with `code` at `now`.
    async fn record_invite_lineage(
        &mut self,
        inviter: UserId,
        invitee: UserId,
        code: &str,
        now: Timestamp,
    ) -> Result<(), RepoError>;
}
