//! Account ports: users and their refresh tokens.
//!
//! # Example
//!
//! What rotation reports, and the refresh-token row a sign-in stores (only a hash of the token):
//!
//! ```
//! use chrono::{Duration, Utc};
//! use ciel_domain::UserId;
//! use ciel_domain::ports::{NewRefreshToken, RotateOutcome};
//!
//! let row = NewRefreshToken {
//!     id: uuid::Uuid::new_v4(),
//!     user_id: UserId::generate(),
//!     token_hash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
//!     expires_at: Utc::now() + Duration::days(30),
//! };
//! assert_eq!(row.token_hash.len(), 64, "SHA-256 hex, never the token itself");
//! // A reused token ends every session of its user.
//! let outcome = RotateOutcome::Reused;
//! assert_ne!(outcome, RotateOutcome::Rotated);
//! ```

use crate::UserId;
use crate::ports::repo::RepoError;
use crate::time::Timestamp;
use crate::users::{Credentials, ProfilePatch, User, UserCounts};
use async_trait::async_trait;
use uuid::Uuid;

/// Stores accounts.
#[async_trait]
pub trait AccountRepo: Send + Sync + 'static {
    /// Login data for an email, or else a handle (exact matches).
    async fn credentials(&self, email_or_handle: &str) -> Result<Option<Credentials>, RepoError>;

    /// The account, deleted or not.
    async fn find(&self, id: UserId) -> Result<Option<User>, RepoError>;

    /// Whether the account exists, is not deleted and is not banned at `now` (the check every
    /// authenticated request makes).
    async fn is_active(&self, id: UserId, now: Timestamp) -> Result<bool, RepoError>;

    /// Followers, following and posts, excluding deleted users.
    async fn counts(&self, id: UserId) -> Result<UserCounts, RepoError>;

    /// The account, deleted or not, with its [`counts`](Self::counts): what a public profile
    /// shows. By default `find` then `counts`; an adapter may answer both at once.
    async fn profile(&self, id: UserId) -> Result<Option<(User, UserCounts)>, RepoError> {
        let Some(user) = self.find(id).await? else {
            return Ok(None);
        };
        Ok(Some((user, self.counts(id).await?)))
    }

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

/// What a refresh did (contract §3.7); decided by `ciel-app` over the
/// [`crate::ports::SessionStore`].
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

    /// Sets `revoked_at = now` on the matching unrevoked row, if any.
    async fn revoke(&self, token_hash: &str, now: Timestamp) -> Result<(), RepoError>;
}
