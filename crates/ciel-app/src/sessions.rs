//! Refresh-token rotation with reuse detection (contract §3.7), in one transaction that locks
//! the presented token's row: the decisions run here, the session and account stores only read
//! and write.
//!
//! # Example
//!
//! Rotation runs in one transaction; without a connection nothing is decided and the client may
//! retry:
//!
//! ```
//! # use ciel_app::{AvatarUrls, CoreDeps, MediaUrls, SystemClock};
//! # use ciel_domain::ports::{RepoError, TxAbort, TxWork, UnitOfWork};
//! # use std::sync::Arc;
//! # /// A unit of work whose pool never has a connection to lend (see `ciel_app::tx`).
//! # struct Busy;
//! # #[async_trait::async_trait]
//! # impl UnitOfWork for Busy {
//! #     async fn transaction(&self, _: TxWork) -> Result<(), TxAbort> {
//! #         Err(RepoError::Busy("pool timed out".into()).into())
//! #     }
//! #     async fn connection(&self, _: TxWork) -> Result<(), TxAbort> {
//! #         Err(RepoError::Busy("pool timed out".into()).into())
//! #     }
//! # }
//! # fn deps() -> CoreDeps {
//! #     CoreDeps {
//! #         uow: Arc::new(Busy),
//! #         cache: None,
//! #         store: None,
//! #         avatars: AvatarUrls::new(None, None),
//! #         media_urls: MediaUrls::new(None),
//! #         clock: Arc::new(SystemClock),
//! #         cards: ciel_app::feed::PostCards::disabled(),
//! #     }
//! # }
//! # let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! use chrono::{Duration, Utc};
//! use ciel_app::AppError;
//! use ciel_app::sessions::rotate;
//! use ciel_domain::ports::NewRefreshToken;
//! use ciel_domain::UserId;
//!
//! let user = UserId::generate();
//! let next = NewRefreshToken {
//!     id: uuid::Uuid::new_v4(),
//!     user_id: user,
//!     token_hash: ciel_app::tokens::token_hash("next"),
//!     expires_at: Utc::now() + Duration::days(30),
//! };
//! let hash = ciel_app::tokens::token_hash("presented");
//! let outcome = rt.block_on(rotate(&Busy, uuid::Uuid::new_v4(), user, hash, next, Utc::now()));
//! assert!(matches!(outcome, Err(AppError::Unavailable { .. })));
//! ```

use crate::error::AppError;
use crate::tx::transact;
use ciel_domain::UserId;
use ciel_domain::ports::{NewRefreshToken, RotateOutcome, UnitOfWork};
use ciel_domain::time::Timestamp;
use uuid::Uuid;

/// Rotates the token `jti` of `user` whose hash is `token_hash` into `next` at `now`:
/// no unexpired row → `NotFound`; a revoked row → every session of the user ends (`Reused`);
/// a deleted (or missing) user → `UserDeleted`; a banned one → `Banned` (nothing written in
/// either case); otherwise `next` is stored and the old row revoked and linked to it.
/// Concurrent rotations of one token are serialised by the row lock: the loser sees `Reused`.
pub async fn rotate(
    uow: &dyn UnitOfWork,
    jti: Uuid,
    user: UserId,
    token_hash: String,
    next: NewRefreshToken,
    now: Timestamp,
) -> Result<RotateOutcome, AppError> {
    transact(uow, move |tx| {
        Box::pin(async move {
            let Some(locked) = tx.lock_refresh_token(jti, user, &token_hash, now).await? else {
                return Ok(RotateOutcome::NotFound);
            };
            if locked.revoked {
                tx.revoke_user_refresh_tokens(user, now).await?;
                return Ok(RotateOutcome::Reused);
            }
            match tx.account_standing(user).await? {
                None => return Ok(RotateOutcome::UserDeleted),
                Some(s) if s.deleted => return Ok(RotateOutcome::UserDeleted),
                Some(s) if s.banned_until.is_some_and(|until| until > now) => {
                    return Ok(RotateOutcome::Banned);
                }
                Some(_) => {}
            }
            tx.insert_refresh_token(&next).await?;
            tx.mark_refresh_token_replaced(jti, next.id, now).await?;
            Ok(RotateOutcome::Rotated)
        })
    })
    .await
}
