//! The invite repository port.

use crate::UserId;
use crate::invites::{Invite, NewInvite};
use crate::ports::repo::RepoError;
use async_trait::async_trait;

/// Why a user's invite was not created.
#[derive(Debug, thiserror::Error)]
pub enum CreateInviteError {
    /// The creator has used their lifetime quota for their level.
    #[error("Maximum invite limit reached for your trust level ({limit})")]
    QuotaReached {
        /// The quota.
        limit: i32,
    },
    /// Storage failed (a code collision is `RepoError::Conflict`).
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// Stores and reads invite codes.
#[async_trait]
pub trait InviteRepo: Send + Sync + 'static {
    /// Inserts a new code; `RepoError::Conflict` when the code already exists.
    async fn insert(&self, invite: &NewInvite) -> Result<Invite, RepoError>;

    /// Inserts a user's code in one transaction that locks the creator's trust record: when
    /// `invites_sent` has reached [`crate::trust::invite_quota`] of their level →
    /// `QuotaReached`; otherwise the code is stored and `invites_sent` rises by one.
    async fn insert_for_user(
        &self,
        invite: &NewInvite,
        creator: UserId,
    ) -> Result<Invite, CreateInviteError>;

    /// The code, if it exists (exact, case-sensitive match).
    async fn find(&self, code: &str) -> Result<Option<Invite>, RepoError>;

    /// Codes created by `creator`, newest first, at most `limit`.
    async fn list_by_creator(&self, creator: UserId, limit: i64) -> Result<Vec<Invite>, RepoError>;

    /// Sets `is_valid = false` on `code` when `creator` made it and it is still valid;
    /// `false` otherwise.
    async fn revoke(&self, code: &str, creator: UserId) -> Result<bool, RepoError>;
}
