//! Refresh-token rotation with reuse detection (contract §3.7), in one transaction that locks
//! the presented token's row: the decisions run here, the session and account stores only read
//! and write.

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
