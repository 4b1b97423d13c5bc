//! The invite store: invite rows inside a unit of work — locked for consumption, inserted under
//! the creator's quota, and the lineage of who invited whom. The rules run in `ciel-app`.

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
