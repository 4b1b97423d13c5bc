//! The cleanup steps, each in its own transaction (one failing does not undo the others).

use crate::error::AppError;
use crate::tx::transact;
use chrono::Duration;
use ciel_domain::UserId;
use ciel_domain::ports::{FollowEdgeKey, UnitOfWork};
use ciel_domain::retention::{invite_purge_cutoff, story_purge_cutoff};
use ciel_domain::time::Timestamp;

/// Trust rows aged (and re-levelled) per transaction.
const AGE_BATCH: i64 = 500;

/// Follow edges examined per transaction by the head repair.
const HEAD_BATCH: i64 = 500;

/// Users whose home timelines are trimmed per transaction.
const TIMELINE_BATCH: i64 = 500;

/// How far back the head repair looks: the follows created in the last 3 hours. A wrong head
/// can only come from a follow committed with a post or deletion by its followee (a race the
/// head triggers' followee lock closes since migration 2026-12-02-000100; this pass repairs
/// what predates it or bypassed the triggers), so recent edges are the ones to check. Runs are
/// hourly: the window covers the hour since the previous run plus two missed or failed runs
/// (or an edge skipped twice because its followee was busy).
pub const HEAD_REPAIR_WINDOW: Duration = Duration::hours(3);

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

/// Sets right the stored followee head of every follow created within [`HEAD_REPAIR_WINDOW`]
/// before `now` whose head differs from the followee's newest post time, batch by batch (each
/// batch one short transaction that never waits for a lock). Returns (repaired, skipped).
pub(super) async fn repair_followee_heads(
    uow: &dyn UnitOfWork,
    now: Timestamp,
) -> Result<(u64, u64), AppError> {
    let since = now - HEAD_REPAIR_WINDOW;
    let (mut repaired, mut skipped) = (0, 0);
    let mut after: Option<FollowEdgeKey> = None;
    loop {
        let batch = transact(uow, move |tx| {
            Box::pin(async move { Ok(tx.repair_followee_heads(since, after, HEAD_BATCH).await?) })
        })
        .await?;
        repaired += batch.repaired;
        skipped += batch.skipped;
        after = batch.last;
        if batch.examined < HEAD_BATCH as u64 {
            return Ok((repaired, skipped));
        }
    }
}

/// Trims every user's home timeline to the rows it keeps, batch by batch (each batch one short
/// transaction, users in id order). Returns the rows deleted.
pub(super) async fn trim_home_timelines(uow: &dyn UnitOfWork) -> Result<u64, AppError> {
    let mut trimmed = 0;
    let mut after: Option<UserId> = None;
    loop {
        let batch = transact(uow, move |tx| {
            Box::pin(async move { Ok(tx.trim_home_timelines(after, TIMELINE_BATCH).await?) })
        })
        .await?;
        trimmed += batch.trimmed;
        after = batch.last;
        if batch.examined < TIMELINE_BATCH as u64 {
            return Ok(trimmed);
        }
    }
}
