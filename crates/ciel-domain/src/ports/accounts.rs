//! Account ports: users and their refresh tokens.

use crate::ports::repo::RepoError;
use crate::time::Timestamp;
use crate::users::{Credentials, NewAccount, ProfilePatch, User, UserCounts};
use crate::{UserId, invites::InviteProblem};
use async_trait::async_trait;
use uuid::Uuid;

/// Why a sign-up was refused.
#[derive(Debug, thiserror::Error)]
pub enum SignUpError {
    /// The handle belongs to an account (deleted accounts included).
    #[error("Handle already taken")]
    HandleTaken,
    /// The email belongs to an account (deleted accounts included).
    #[error("Email already taken")]
    EmailTaken,
    /// The invite cannot be used.
    #[error(transparent)]
    Invite(#[from] InviteProblem),
    /// Storage failed.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// Stores accounts.
#[async_trait]
pub trait AccountRepo: Send + Sync + 'static {
    /// Creates the account and consumes the invite **in one transaction** (contract §3.6): the
    /// invite row is locked, checked with [`crate::invites::Invite::check_consumable`] at
    /// `now`, used (`use_count + 1`, `used_by`, `used_at`, `is_valid = false` once used up); the
    /// account and its trust record (level 0) are created; when the code has a creator, the
    /// lineage row is recorded and the creator gets `TrustEvent::SuccessfulInvite`. Any failure
    /// rolls everything back. Two concurrent sign-ups on a single-use code: exactly one succeeds.
    async fn sign_up(
        &self,
        account: &NewAccount,
        invite_code: &str,
        now: Timestamp,
    ) -> Result<User, SignUpError>;

    /// Login data for an email, or else a handle (exact matches).
    async fn credentials(&self, email_or_handle: &str) -> Result<Option<Credentials>, RepoError>;

    /// The account, deleted or not.
    async fn find(&self, id: UserId) -> Result<Option<User>, RepoError>;

    /// Whether the account exists, is not deleted and is not banned at `now` (the check every
    /// authenticated request makes).
    async fn is_active(&self, id: UserId, now: Timestamp) -> Result<bool, RepoError>;

    /// Followers, following and posts, excluding deleted users.
    async fn counts(&self, id: UserId) -> Result<UserCounts, RepoError>;

    /// Applies `patch` to a non-deleted account; `None` when there is none.
    async fn update_profile(
        &self,
        id: UserId,
        patch: &ProfilePatch,
    ) -> Result<Option<User>, RepoError>;

    /// Soft-deletes in one transaction (contract §3.8): `deleted_at = now`, every refresh token
    /// revoked, every follow and block edge in either direction deleted. `false` when the
    /// account was missing or already deleted.
    async fn delete_account(&self, id: UserId, now: Timestamp) -> Result<bool, RepoError>;
}

/// A refresh token row to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRefreshToken {
    /// The token's `jti`.
    pub id: Uuid,
    /// Its owner.
    pub user_id: UserId,
    /// SHA-256 hex of the whole token string.
    pub token_hash: String,
    /// When it expires.
    pub expires_at: Timestamp,
}

/// What a refresh did (contract §3.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RotateOutcome {
    /// The old row is revoked and replaced by the new one.
    Rotated,
    /// No unexpired row matches `jti`, user and hash.
    NotFound,
    /// The row was already revoked: every unrevoked token of the user is now revoked.
    Reused,
    /// The user is soft-deleted.
    UserDeleted,
    /// The user is banned.
    Banned,
}

/// Stores refresh tokens.
#[async_trait]
pub trait RefreshTokenRepo: Send + Sync + 'static {
    /// Records an issued token.
    async fn insert(&self, token: &NewRefreshToken) -> Result<(), RepoError>;

    /// In one transaction that locks the row: find the unexpired row by `jti`, user and hash
    /// (else `NotFound`); if revoked → revoke all of the user's unrevoked tokens (`Reused`);
    /// if the user is deleted → `UserDeleted`; if banned at `now` → `Banned`; otherwise insert
    /// `next` and mark the old row `revoked_at = now`, `replaced_by = next.id` (`Rotated`).
    /// Concurrent rotations of one token are serialised: the loser sees `Reused`.
    async fn rotate(
        &self,
        jti: Uuid,
        user_id: UserId,
        token_hash: &str,
        next: &NewRefreshToken,
        now: Timestamp,
    ) -> Result<RotateOutcome, RepoError>;

    /// Sets `revoked_at = now` on the matching unrevoked row, if any.
    async fn revoke(&self, token_hash: &str, now: Timestamp) -> Result<(), RepoError>;
}
