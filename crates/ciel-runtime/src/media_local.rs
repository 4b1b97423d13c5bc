//! The media work of one `combined` process without a broker (`AMQP_URL=memory://`): the outbox
//! relay publishes to an in-process queue (`ciel_queue::MemoryQueue`) that this process's own
//! consumers drain. A transiently failing job is retried in place with the configured back-off
//! and attempts; after the last attempt it is dropped and logged (there is no dead-letter queue
//! in-process; the stale-upload sweep re-enqueues it within 15 min). Jobs waiting in the queue
//! are lost with the process, and the same sweep re-enqueues those after a restart: fine for
//! development, never for production.

use crate::config::MediaWorkerConfig;
use crate::media::{MediaBackground, MediaMetrics, outcome_of};
use ciel_app::{MediaJobService, OutboxRelay, RelayWake, SystemClock};
use ciel_domain::ports::{JobQueue, UnitOfWork};
use ciel_queue::{JobOutcome, MemoryJobs, MemoryQueue};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, watch};

/// Jobs the in-process queue holds before the relay waits.
const QUEUE_CAPACITY: usize = 256;
/// The longest back-off between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// What the in-process media work needs.
pub struct InProcessMedia {
    /// Repositories.
    pub uow: Arc<dyn UnitOfWork>,
    /// The publishing half the relay writes to.
    pub queue: MemoryQueue,
    /// The receiving half the consumers drain.
    pub jobs: MemoryJobs,
    /// Wakes the relay after `complete`.
    pub wake: RelayWake,
    /// Counters (`media_jobs_total`, `media_job_duration_seconds`, `queue_depth{queue="work"}`).
    pub metrics: MediaMetrics,
}

impl InProcessMedia {
    /// A fresh in-process queue for this process.
    pub fn new(uow: Arc<dyn UnitOfWork>, wake: RelayWake, metrics: MediaMetrics) -> Self {
        let (queue, jobs) = MemoryQueue::new(QUEUE_CAPACITY);
        Self {
            uow,
            queue,
            jobs,
            wake,
            metrics,
        }
    }

    /// Starts the relay and `worker.concurrency` consumers (none without `jobs`: the jobs then
    /// wait in the queue).
    pub fn start(
        self,
        worker: &MediaWorkerConfig,
        jobs: Option<MediaJobService>,
    ) -> MediaBackground {
        let (stop, stopped) = watch::channel(false);
        let relay = OutboxRelay::new(
            self.uow.clone(),
            Arc::new(self.queue.clone()) as Arc<dyn JobQueue>,
            Arc::new(SystemClock),
            self.wake.clone(),
        );
        let loops = vec![tokio::spawn(
            relay.run_until(worker.outbox_poll, stopped.clone()),
        )];
        let mut consumers = Vec::new();
        let receiver = Arc::new(Mutex::new(self.jobs));
        match jobs {
            Some(jobs) => {
                for _ in 0..worker.concurrency {
                    consumers.push(tokio::spawn(consume(
                        receiver.clone(),
                        self.queue.clone(),
                        jobs.clone(),
                        self.metrics.clone(),
                        *worker,
                        stopped.clone(),
                    )));
                }
            }
            None => tracing::warn!(
                "no image pipeline in this build: media jobs are queued in-process but not consumed"
            ),
        }
        MediaBackground::from_tasks(stop, loops, consumers)
    }
}

/// Back-off before attempt `attempt + 1` (attempt counts from 1).
pub fn backoff(base: Duration, attempt: u32) -> Duration {
    let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
    base.saturating_mul(factor).min(MAX_BACKOFF)
}

async fn consume(
    receiver: Arc<Mutex<MemoryJobs>>,
    queue: MemoryQueue,
    jobs: MediaJobService,
    metrics: MediaMetrics,
    worker: MediaWorkerConfig,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        let job = {
            let mut receiver = receiver.lock().await;
            tokio::select! {
                job = receiver.next_job() => job,
                _ = stopped.wait_for(|s| *s) => None,
            }
        };
        let Some(job) = job else { return };
        metrics
            .queue_depth
            .with_label_values(&["work"])
            .set(i64::try_from(queue.len()).unwrap_or(i64::MAX));
        let mut attempt = 1;
        loop {
            let started = Instant::now();
            let outcome = outcome_of(&jobs.run(job.clone()).await);
            let label = match outcome {
                JobOutcome::Done => "completed",
                JobOutcome::PermanentFailure => "failed_permanent",
                JobOutcome::Retry if attempt < worker.max_attempts => "retried",
                JobOutcome::Retry => "dead_lettered",
            };
            metrics.jobs.observe(label, Some(started.elapsed()));
            match label {
                "retried" => {
                    let pause = backoff(worker.retry_base, attempt);
                    attempt += 1;
                    tokio::select! {
                        () = tokio::time::sleep(pause) => {}
                        _ = stopped.wait_for(|s| *s) => return,
                    }
                }
                "dead_lettered" => {
                    tracing::warn!(
                        upload_id = %job.upload_id,
                        attempts = attempt,
                        "media job kept failing; dropped (the stale-upload sweep re-enqueues it)"
                    );
                    break;
                }
                _ => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_per_attempt_up_to_five_minutes() {
        let base = Duration::from_millis(100);
        assert_eq!(backoff(base, 1), Duration::from_millis(100));
        assert_eq!(backoff(base, 3), Duration::from_millis(400));
        assert_eq!(backoff(base, 40), MAX_BACKOFF);
    }
}
