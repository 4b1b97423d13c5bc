//! [`JobRunner`]: one run (elected by the maintenance lock) and the hourly loop that stops on
//! the shutdown signal.

use super::{CleanupJob, JobObserver, steps};
use crate::error::AppError;
use crate::tx::transact;
use ciel_domain::ports::{Clock, UnitOfWork};
use ciel_domain::time::Timestamp;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// What an executed run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Stories purged.
    pub stories_purged: u64,
    /// Trust records whose age was refreshed.
    pub accounts_aged: u64,
    /// Of those, records whose level changed.
    pub levels_changed: u64,
    /// Invite codes deleted.
    pub invites_deleted: u64,
    /// Stale uploads whose job was enqueued again.
    pub uploads_requeued: u64,
    /// Follow edges whose stored followee head was wrong and was set right.
    pub heads_repaired: u64,
    /// Wrong heads left for the next run (a concurrent writer held the followee's lock).
    pub heads_skipped: u64,
    /// Home-timeline rows deleted beyond the ones each user keeps.
    pub timeline_rows_trimmed: u64,
    /// Steps that failed (the others still ran).
    pub failed: Vec<CleanupJob>,
}

/// Whether this instance executed the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunOutcome {
    /// This instance held the maintenance lock and executed every step.
    Ran(RunReport),
    /// Another instance holds the lock: it executes this run.
    Skipped,
}

/// Runs the cleanup steps.
#[derive(Clone)]
pub struct JobRunner {
    uow: Arc<dyn UnitOfWork>,
    clock: Arc<dyn Clock>,
    observer: Arc<dyn JobObserver>,
}

impl JobRunner {
    /// A runner over `uow`, telling time with `clock` and reporting steps to `observer`.
    /// A run holds one pooled connection (the lock) while its steps use another.
    pub fn new(
        uow: Arc<dyn UnitOfWork>,
        clock: Arc<dyn Clock>,
        observer: Arc<dyn JobObserver>,
    ) -> Self {
        Self {
            uow,
            clock,
            observer,
        }
    }

    /// One run: takes the maintenance lock without waiting (`Skipped` when another instance
    /// holds it), executes every step at the clock's `now` while holding it, then releases it.
    /// `Err` only when the lock itself could not be asked for.
    pub async fn run_once(&self) -> Result<RunOutcome, AppError> {
        let now = self.clock.now();
        let this = self.clone();
        transact(&*self.uow, move |tx| {
            Box::pin(async move {
                if !tx.try_lock_maintenance().await? {
                    return Ok(RunOutcome::Skipped);
                }
                Ok(RunOutcome::Ran(this.steps(now).await))
            })
        })
        .await
    }

    async fn steps(&self, now: Timestamp) -> RunReport {
        let mut report = RunReport::default();
        for job in CleanupJob::ALL {
            self.observer.ran(job);
            let uow = &*self.uow;
            let outcome = match job {
                CleanupJob::Stories => steps::purge_stories(uow, now)
                    .await
                    .map(|n| report.stories_purged = n),
                CleanupJob::AccountAges => {
                    steps::age_accounts(uow, now).await.map(|(aged, changed)| {
                        report.accounts_aged = aged;
                        report.levels_changed = changed;
                    })
                }
                CleanupJob::Invites => steps::purge_invites(uow, now)
                    .await
                    .map(|n| report.invites_deleted = n),
                CleanupJob::StaleUploads => crate::media::sweep::requeue_stale_uploads(uow, now)
                    .await
                    .map(|n| report.uploads_requeued = n),
                CleanupJob::FeedHeads => {
                    steps::repair_followee_heads(uow, now)
                        .await
                        .map(|(repaired, skipped)| {
                            report.heads_repaired = repaired;
                            report.heads_skipped = skipped;
                        })
                }
                CleanupJob::HomeTimelines => steps::trim_home_timelines(uow)
                    .await
                    .map(|n| report.timeline_rows_trimmed = n),
            };
            if let Err(err) = outcome {
                self.observer.failed(job);
                report.failed.push(job);
                tracing::warn!(job = job.label(), error = %err, "cleanup step failed; it runs again next hour");
            }
        }
        report
    }

    /// Runs now, then every `interval`, until `shutdown` turns `true` (or its sender is
    /// dropped). A run in progress finishes first; the wait between runs ends at once.
    pub async fn run_until(self, interval: Duration, mut shutdown: watch::Receiver<bool>) {
        loop {
            if *shutdown.borrow_and_update() {
                return;
            }
            match self.run_once().await {
                Ok(RunOutcome::Ran(report)) => tracing::info!(?report, "cleanup run executed"),
                Ok(RunOutcome::Skipped) => {
                    tracing::debug!("cleanup run skipped: another instance executes it");
                }
                Err(err) => {
                    tracing::warn!(error = %err, "cleanup run could not start; retrying next hour");
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(interval) => {}
                _ = shutdown.changed() => return,
            }
        }
    }
}
