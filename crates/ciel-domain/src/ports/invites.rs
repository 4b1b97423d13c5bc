//! The invite repository port.

use crate::UserId;
use crate::invites::{Invite, NewInvite};
use crate::ports::repo::RepoError;
use async_trait::async_trait;

/// Stores and reads invite codes.
#[async_trait]
pub trait InviteRepo: Send + Sync + 'static {
    /// Inserts a new code; `RepoError::Conflict` when the code already exists. Users' codes,
    /// which count against a quota, go through [`crate::ports::InviteStore`] instead.
    async fn insert(&self, invite: &NewInvite) -> Result<Invite, RepoError>;

    /// The code, if it exists (exact, case-sensitive match).
    async fn find(&self, code: &str) -> Result<Option<Invite>, RepoError>;

    /// Codes created by `creator`, newest first, at most `limit`.
    async fn list_by_creator(&self, creator: UserId, limit: i64) -> Result<Vec<Invite>, RepoError>;

    /// Sets `is_valid = false` on `code` when `creator` made it and it is still valid;
    /// `false` otherwise.
    async fn revoke(&self, code: &str, creator: UserId) -> Result<bool, RepoError>;
}
