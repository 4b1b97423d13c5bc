//! The session store: refresh-token rows inside a unit of work, for rotation with reuse
//! detection (contract §3.7). The decisions run in `ciel-app`.
//!
//! # Example
//!
//! Rotation with reuse detection over the store (the rule `ciel-app` runs):
//!
//! ```
//! use chrono::Utc;
//! use ciel_domain::ports::{LockedRefreshToken, RepoError, RotateOutcome, SessionStore};
//! use ciel_domain::UserId;
//!
//! async fn rotate(store: &mut dyn SessionStore, jti: uuid::Uuid, user: UserId, hash: &str) -> Result<RotateOutcome, RepoError> {
//!     let now = Utc::now();
//!     match store.lock_refresh_token(jti, user, hash, now).await? {
//!         None => Ok(RotateOutcome::NotFound),
//!         Some(LockedRefreshToken { revoked: true }) => {
//!             store.revoke_user_refresh_tokens(user, now).await?;
//!             Ok(RotateOutcome::Reused)
//!         }
//!         Some(_) => {
//!             store.mark_refresh_token_replaced(jti, uuid::Uuid::new_v4(), now).await?;
//!             Ok(RotateOutcome::Rotated)
//!         }
//!     }
//! }
//! # let _ = rotate;
//! assert_ne!(LockedRefreshToken { revoked: true }, LockedRefreshToken { revoked: false });
//! ```

use crate::UserId;
use crate::ports::accounts::NewRefreshToken;
use crate::ports::repo::RepoError;
use crate::time::Timestamp;
use async_trait::async_trait;
use uuid::Uuid;

/// A refresh-token row, locked for the rest of the transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockedRefreshToken {
    /// It was revoked (by a rotation or a logout) before.
    pub revoked: bool,
}

/// Refresh tokens, inside a unit of work.
#[async_trait]
pub trait SessionStore: Send {
    /// Locks the row with this `jti`, owner and hash that has not expired at `now`; `None` when
    /// there is none. Concurrent lockers of one row wait for each other.
    async fn lock_refresh_token(
        &mut self,
        jti: Uuid,
        user: UserId,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<LockedRefreshToken>, RepoError>;

    /// Sets `revoked_at = now` on every unrevoked token of `user`.
    async fn revoke_user_refresh_tokens(
        &mut self,
        user: UserId,
        now: Timestamp,
    ) -> Result<(), RepoError>;

    /// Stores a newly issued token.
    async fn insert_refresh_token(&mut self, token: &NewRefreshToken) -> Result<(), RepoError>;

    /// Marks `jti` revoked at `now` and replaced by `next`.
    async fn mark_refresh_token_replaced(
        &mut self,
        jti: Uuid,
        next: Uuid,
        now: Timestamp,
    ) -> Result<(), RepoError>;
}
