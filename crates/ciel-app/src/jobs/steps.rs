//! The cleanup steps, each in its own transaction (one failing does not undo the others).

use crate::error::AppError;
use crate::tx::transact;
use ciel_domain::ports::UnitOfWork;
use ciel_domain::retention::{invite_purge_cutoff, story_purge_cutoff};
use ciel_domain::time::Timestamp;

/// Trust rows aged (and re-levelled) per transaction.
const AGE_BATCH: i64 = 500;

/// Deletes stories that expired more than 48 h before `now`; how many.
pub(super) async fn purge_stories(uow: &dyn UnitOfWork, now: Timestamp) -> Result<u64, AppError> {
    let cutoff = story_purge_cutoff(now);
    transact(uow, move |tx| {
        Box::pin(async move { Ok(tx.purge_stories_expired_before(cutoff).await?) })
    })
    .await
}

/// Deletes invalid invite codes that expired more than 30 days before `now`; how many.
pub(super) async fn purge_invites(uow: &dyn UnitOfWork, now: Timestamp) -> Result<u64, AppError> {
    let cutoff = invite_purge_cutoff(now);
    transact(uow, move |tx| {
        Box::pin(async move { Ok(tx.delete_invalid_invites_expired_before(cutoff).await?) })
    })
    .await
}

/// Refreshes `account_age_days` at `now` and recalculates the level of every record whose age
/// changed, batch by batch (each batch one transaction: ages and levels change together).
/// Returns (records aged, levels changed).
pub(super) async fn age_accounts(
    uow: &dyn UnitOfWork,
    now: Timestamp,
) -> Result<(u64, u64), AppError> {
    let (mut aged, mut relevelled) = (0, 0);
    loop {
        let (batch, changed) = transact(uow, move |tx| {
            Box::pin(async move {
                let users = tx.refresh_account_ages(now, AGE_BATCH).await?;
                let mut changed = 0u64;
                for user in &users {
                    let mut record = tx.lock_trust(*user).await?;
                    let before = record.level;
                    record.recalculate_level();
                    if record.level != before {
                        tx.store_trust(*user, &record, now).await?;
                        changed += 1;
                    }
                }
                Ok((users.len() as u64, changed))
            })
        })
        .await?;
        aged += batch;
        relevelled += changed;
        if batch < AGE_BATCH as u64 {
            return Ok((aged, relevelled));
        }
    }
}
