//! The scheduled cleanup loop of the `api`, `combined` and `worker` processes (contract §5):
//! [`ciel_app::jobs::JobRunner`] over the database, counted in `cleanup_runs_total{job}` and
//! `cleanup_failures_total{job}`, run at start and then hourly, stopped with the process.

use crate::metrics::ProcessMetrics;
use ciel_app::SystemClock;
use ciel_app::jobs::{CleanupJob, JobObserver, JobRunner};
use ciel_storage::{PgPool, PgUnitOfWork};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Time between runs.
pub const CLEANUP_INTERVAL: Duration = Duration::from_secs(3600);
/// How long shutdown waits for a run in progress (contract §5: up to 10 s per loop).
const STOP_GRACE: Duration = Duration::from_secs(10);

impl JobObserver for ProcessMetrics {
    fn ran(&self, job: CleanupJob) {
        self.cleanup_runs.with_label_values(&[job.label()]).inc();
    }

    fn failed(&self, job: CleanupJob) {
        self.cleanup_failures
            .with_label_values(&[job.label()])
            .inc();
    }
}

/// The running loop.
pub struct CleanupLoop {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl CleanupLoop {
    /// Starts the loop on `pool`, counting into `metrics`.
    pub fn start(pool: PgPool, metrics: ProcessMetrics) -> Self {
        let runner = JobRunner::new(
            Arc::new(PgUnitOfWork::new(pool)),
            Arc::new(SystemClock),
            Arc::new(metrics),
        );
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(runner.run_until(CLEANUP_INTERVAL, stopped));
        Self { stop, task }
    }

    /// Signals the loop and waits for it (a run in progress gets 10 s, then is abandoned: its
    /// transaction rolls back and the lock is released).
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let mut task = self.task;
        if tokio::time::timeout(STOP_GRACE, &mut task).await.is_err() {
            tracing::warn!("cleanup run still busy after 10 s; abandoning it");
            task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prometheus::Registry;

    #[test]
    fn steps_are_counted_under_their_labels() {
        let metrics = ProcessMetrics::register(&Registry::new()).unwrap();
        metrics.ran(CleanupJob::Stories);
        metrics.ran(CleanupJob::AccountAges);
        metrics.failed(CleanupJob::AccountAges);
        let runs = |job: &str| metrics.cleanup_runs.with_label_values(&[job]).get();
        let failures = |job: &str| metrics.cleanup_failures.with_label_values(&[job]).get();
        assert_eq!(
            [runs("stories"), runs("account_ages"), runs("invites")],
            [1, 1, 0]
        );
        assert_eq!(
            [
                failures("stories"),
                failures("account_ages"),
                runs("stale_uploads")
            ],
            [0, 1, 0]
        );
        metrics.ran(CleanupJob::FeedHeads);
        metrics.failed(CleanupJob::FeedHeads);
        assert_eq!([runs("feed_heads"), failures("feed_heads")], [1, 1]);
    }

    #[test]
    fn every_step_label_is_exported_at_zero_before_any_run() {
        let registry = Registry::new();
        ProcessMetrics::register(&registry).unwrap();
        let text = prometheus::TextEncoder::new()
            .encode_to_string(&registry.gather())
            .unwrap();
        for job in [
            "stories",
            "account_ages",
            "invites",
            "stale_uploads",
            "feed_heads",
            "home_timelines",
        ] {
            for family in ["cleanup_runs_total", "cleanup_failures_total"] {
                let series = format!("{family}{{job=\"{job}\"}} 0");
                assert!(text.contains(&series), "missing {series} in:\n{text}");
            }
        }
    }
}
