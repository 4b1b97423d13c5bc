//! The stale-upload sweep (contract §3.9), a step of the hourly cleanup: up to 100 uploads in
//! `uploaded` or `processing` whose `COALESCE(uploaded_at, created_at)` is more than 15 minutes
//! old get their job written to the outbox again (the relay publishes it). A job that was lost
//! anyway (a broker that dropped it, a worker that died for good) is thereby retried; a
//! duplicate is harmless (the claim).

use crate::error::AppError;
use crate::tx::transact;
use ciel_domain::ports::{MediaJob, UnitOfWork};
use ciel_domain::time::Timestamp;

/// Uploads re-enqueued per run.
pub const STALE_BATCH: i64 = 100;
/// How old an unfinished upload must be to count as stale.
pub const STALE_AFTER_MINUTES: i64 = 15;

/// Re-enqueues stale uploads at `now`; how many.
pub(crate) async fn requeue_stale_uploads(
    uow: &dyn UnitOfWork,
    now: Timestamp,
) -> Result<u64, AppError> {
    let cutoff = now - chrono::Duration::minutes(STALE_AFTER_MINUTES);
    transact(uow, move |tx| {
        Box::pin(async move {
            let stale = tx.stale_uploads(cutoff, STALE_BATCH).await?;
            for upload in &stale {
                let job = MediaJob {
                    upload_id: upload.id,
                    owner_id: upload.owner_id,
                    original_key: upload.original_key.clone(),
                };
                tx.enqueue_media_job(&job, now).await?;
            }
            Ok(stale.len() as u64)
        })
    })
    .await
}
