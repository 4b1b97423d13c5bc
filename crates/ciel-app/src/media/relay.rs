//! The outbox relay: publishes `job_outbox` rows to the broker with publisher confirms and
//! deletes each row only after its confirm. Runs in every `api`, `combined` and `worker`
//! process; rows are locked with `SKIP LOCKED`, so relays share the work. A publish that fails
//! (broker down) pushes its row back with a growing delay and the relay pauses; the job stays
//! in Postgres until the broker takes it. A broker that confirmed but whose row deletion failed
//! gets the job again later — harmless, jobs are idempotent (the claim).

use crate::error::AppError;
use crate::tx::transact;
use ciel_domain::ports::{Clock, JobQueue, UnitOfWork};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// Rows published per transaction.
const BATCH: i64 = 100;
/// Longest delay before a row whose publish failed is tried again.
const MAX_ROW_DELAY_SECS: i64 = 60;

/// Wakes the relay right after a commit that added outbox rows (otherwise it polls).
#[derive(Clone, Debug, Default)]
pub struct RelayWake(Arc<Notify>);

impl RelayWake {
    /// A new signal.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the relay to look at the outbox now.
    pub fn wake(&self) {
        self.0.notify_one();
    }

    async fn woken(&self) {
        self.0.notified().await;
    }
}

/// What one pass published.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RelayPass {
    /// Rows published and deleted.
    pub published: usize,
    /// Whether a publish failed (the broker is likely down).
    pub failed: bool,
    /// Whether the batch was full (more rows may be due).
    pub full: bool,
}

/// Moves outbox rows to the broker.
#[derive(Clone)]
pub struct OutboxRelay {
    uow: Arc<dyn UnitOfWork>,
    queue: Arc<dyn JobQueue>,
    clock: Arc<dyn Clock>,
    wake: RelayWake,
}

impl OutboxRelay {
    /// A relay from `uow`'s outbox to `queue`, woken early by `wake`.
    pub fn new(
        uow: Arc<dyn UnitOfWork>,
        queue: Arc<dyn JobQueue>,
        clock: Arc<dyn Clock>,
        wake: RelayWake,
    ) -> Self {
        Self {
            uow,
            queue,
            clock,
            wake,
        }
    }

    /// One pass: locks up to 100 due rows, publishes them in order, deletes each confirmed one;
    /// at the first failure defers that row and stops (the rest stay due).
    pub async fn pass(&self) -> Result<RelayPass, AppError> {
        let now = self.clock.now();
        let queue = Arc::clone(&self.queue);
        transact(&*self.uow, move |tx| {
            Box::pin(async move {
                let due = tx.lock_due_jobs(now, BATCH).await?;
                let mut pass = RelayPass {
                    full: due.len() as i64 == BATCH,
                    ..RelayPass::default()
                };
                for entry in due {
                    match queue
                        .publish_media_job_traced(&entry.job, entry.trace_context.as_deref())
                        .await
                    {
                        Ok(()) => {
                            tx.delete_job(entry.id).await?;
                            pass.published += 1;
                        }
                        Err(err) => {
                            let delay = 1i64 << entry.attempts.clamp(0, 6);
                            let next = now
                                + chrono::Duration::seconds(delay.min(MAX_ROW_DELAY_SECS));
                            tx.defer_job(entry.id, &err.to_string(), next).await?;
                            tracing::warn!(upload_id = %entry.job.upload_id, error = %err, "media job kept in the outbox; the broker did not take it");
                            pass.failed = true;
                            break;
                        }
                    }
                }
                Ok(pass)
            })
        })
        .await
    }

    /// Jobs still in the outbox, not yet taken by the broker (`job_outbox_depth`).
    pub async fn backlog(&self) -> Result<i64, AppError> {
        crate::tx::read(&*self.uow, |tx| {
            Box::pin(async move { Ok(tx.outbox_len().await?) })
        })
        .await
    }

    /// Relays until `shutdown` turns `true`: a pass whenever woken or every `poll`, at once
    /// again after a full batch, and after `poll` when the broker refused a job.
    pub async fn run_until(self, poll: Duration, mut shutdown: watch::Receiver<bool>) {
        loop {
            if *shutdown.borrow_and_update() {
                return;
            }
            let again = match self.pass().await {
                Ok(pass) => pass.full && !pass.failed,
                Err(err) => {
                    tracing::warn!(error = %err, "outbox relay pass failed; retrying");
                    false
                }
            };
            if again {
                continue;
            }
            tokio::select! {
                () = self.wake.woken() => {}
                () = tokio::time::sleep(poll) => {}
                _ = shutdown.changed() => return,
            }
        }
    }
}
