//! The invite repository port.

use crate::invites::{Invite, NewInvite};
use crate::ports::repo::RepoError;
use async_trait::async_trait;

/// Stores and reads invite codes.
#[async_trait]
pub trait InviteRepo: Send + Sync + 'static {
    /// Inserts a new code; `RepoError::Conflict` when the code already exists.
    async fn insert(&self, invite: &NewInvite) -> Result<Invite, RepoError>;
}
