//! The media background work of a process: the outbox relay (api, combined, worker), the
//! RabbitMQ consumers running the media job (combined, worker), the queue-depth gauges, and the
//! media metrics (`media_jobs_total{outcome}`, `media_job_duration_seconds`,
//! `queue_depth{queue}`, `job_outbox_depth`).

use ciel_app::media::JobReport;
use ciel_app::{MediaJobService, OutboxRelay, RelayWake, SystemClock};
use ciel_domain::ports::{ImageProcessor, JobQueue, UnitOfWork};
use ciel_queue::{
    ConsumerConfig, JobOutcome, MediaConsumer, Processed, RabbitConfig, RabbitQueue, RetryPolicy,
};
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::MediaWorkerConfig;

/// The image processor this build runs media jobs with: `ciel_media::ImagePipeline`. (Wiring
/// takes an `Option` so a build without one starts no consumer — jobs wait in the queue,
/// nothing is marked failed — and the serverless worker answers 500, retry.)
pub fn image_processor() -> Option<Arc<dyn ImageProcessor>> {
    Some(Arc::new(ciel_media::ImagePipeline::default()))
}

/// How often the queue depths are read.
const DEPTH_INTERVAL: Duration = Duration::from_secs(15);
/// How long shutdown waits for the relay and the depth poller.
const LOOP_GRACE: Duration = Duration::from_secs(10);
/// How long shutdown waits for the consumers (30 s for the job in hand, plus closing).
const CONSUMER_GRACE: Duration = Duration::from_secs(35);

/// The media metrics.
#[derive(Clone)]
pub struct MediaMetrics {
    /// Jobs by what the consumer did with them.
    pub jobs: IntCounterVec,
    /// Handler time per job, by outcome.
    pub duration: HistogramVec,
    /// Ready messages per queue (`work`, `retry`, `dead_letter`).
    pub queue_depth: IntGaugeVec,
}

impl MediaMetrics {
    /// Registers the metrics (every label pre-created at 0).
    pub fn register(registry: &Registry) -> prometheus::Result<Self> {
        let m = Self {
            jobs: IntCounterVec::new(
                Opts::new("media_jobs_total", "Media jobs by outcome"),
                &["outcome"],
            )?,
            duration: HistogramVec::new(
                HistogramOpts::new(
                    "media_job_duration_seconds",
                    "Time spent processing one media job",
                )
                .buckets(vec![0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0]),
                &["outcome"],
            )?,
            queue_depth: IntGaugeVec::new(
                Opts::new("queue_depth", "Ready messages per media queue"),
                &["queue"],
            )?,
        };
        registry.register(Box::new(m.jobs.clone()))?;
        registry.register(Box::new(m.duration.clone()))?;
        registry.register(Box::new(m.queue_depth.clone()))?;
        for outcome in ["completed", "failed_permanent", "retried", "dead_lettered"] {
            m.jobs.with_label_values(&[outcome]);
        }
        for queue in ["work", "retry", "dead_letter"] {
            m.queue_depth.with_label_values(&[queue]);
        }
        Ok(m)
    }

    fn observe(&self, processed: &Processed) {
        let label = processed.disposition.metric_label();
        self.jobs.with_label_values(&[label]).inc();
        if let Some(d) = processed.handler_duration {
            self.duration
                .with_label_values(&[label])
                .observe(d.as_secs_f64());
        }
    }
}

/// The verdict the consumer acts on.
pub fn outcome_of(report: &JobReport) -> JobOutcome {
    match report {
        JobReport::Completed(_) | JobReport::Stale => JobOutcome::Done,
        JobReport::Failed(_) => JobOutcome::PermanentFailure,
        JobReport::Retry(_) => JobOutcome::Retry,
    }
}

/// Consumer settings from the configuration.
pub fn consumer_config(rabbit: RabbitConfig, worker: &MediaWorkerConfig) -> ConsumerConfig {
    ConsumerConfig {
        retry: RetryPolicy {
            max_attempts: worker.max_attempts,
            base_delay: worker.retry_base,
            ..RetryPolicy::default()
        },
        ..ConsumerConfig::new(rabbit)
    }
}

/// Background media work of one process; stopped with [`MediaBackground::stop`].
pub struct MediaBackground {
    stop: watch::Sender<bool>,
    loops: Vec<JoinHandle<()>>,
    consumers: Vec<JoinHandle<()>>,
}

/// What the background work needs.
pub struct MediaParts {
    /// Repositories.
    pub uow: Arc<dyn UnitOfWork>,
    /// The publisher (also read for queue depths).
    pub queue: Arc<RabbitQueue>,
    /// Broker settings for the consumers.
    pub rabbit: RabbitConfig,
    /// Wakes the relay after `complete`.
    pub wake: RelayWake,
    /// Counters.
    pub metrics: MediaMetrics,
}

impl MediaBackground {
    /// Background work made of these tasks (the in-process variant builds its own).
    pub(crate) fn from_tasks(
        stop: watch::Sender<bool>,
        loops: Vec<JoinHandle<()>>,
        consumers: Vec<JoinHandle<()>>,
    ) -> Self {
        Self {
            stop,
            loops,
            consumers,
        }
    }

    /// Starts the outbox relay and the depth poller, and — when `jobs` is given — as many
    /// consumers as `worker.concurrency` (one channel each, prefetch 1: at most that many jobs
    /// in flight per process).
    pub fn start(
        parts: MediaParts,
        worker: &MediaWorkerConfig,
        jobs: Option<MediaJobService>,
    ) -> Self {
        let (stop, stopped) = watch::channel(false);
        let relay = OutboxRelay::new(
            parts.uow.clone(),
            parts.queue.clone() as Arc<dyn JobQueue>,
            Arc::new(SystemClock),
            parts.wake.clone(),
        );
        let mut loops = vec![tokio::spawn(
            relay.run_until(worker.outbox_poll, stopped.clone()),
        )];
        loops.push(tokio::spawn(poll_depths(
            parts.queue.clone(),
            parts.metrics.clone(),
            stopped.clone(),
        )));
        let mut consumers = Vec::new();
        if let Some(jobs) = jobs {
            for n in 0..worker.concurrency {
                let rabbit = parts
                    .rabbit
                    .clone()
                    .with_connection_name(format!("ciel-media-consumer-{n}"));
                let jobs = jobs.clone();
                let metrics = parts.metrics.clone();
                let consumer = MediaConsumer::new(consumer_config(rabbit, worker), move |job| {
                    let jobs = jobs.clone();
                    async move { outcome_of(&jobs.run(job).await) }
                })
                .on_processed(move |p| metrics.observe(p));
                let mut stopped = stopped.clone();
                consumers.push(tokio::spawn(async move {
                    consumer
                        .run(async move {
                            let _ = stopped.wait_for(|s| *s).await;
                        })
                        .await;
                }));
            }
        } else {
            tracing::warn!(
                "no image pipeline in this build: media jobs are relayed but not consumed"
            );
        }
        Self {
            stop,
            loops,
            consumers,
        }
    }

    /// Stops everything: loops get 10 s, consumers 30 s for the job in hand (then it is left
    /// unacknowledged for redelivery).
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for (tasks, grace) in [(self.consumers, CONSUMER_GRACE), (self.loops, LOOP_GRACE)] {
            for mut task in tasks {
                if tokio::time::timeout(grace, &mut task).await.is_err() {
                    tracing::warn!("a media background task did not stop in time; abandoning it");
                    task.abort();
                }
            }
        }
    }
}

async fn poll_depths(
    queue: Arc<RabbitQueue>,
    metrics: MediaMetrics,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        if *stop.borrow_and_update() {
            return;
        }
        match queue.queue_depths().await {
            Ok(d) => {
                for (label, depth) in [
                    ("work", d.main),
                    ("retry", d.retry),
                    ("dead_letter", d.dead),
                ] {
                    metrics
                        .queue_depth
                        .with_label_values(&[label])
                        .set(i64::from(depth));
                }
            }
            Err(err) => tracing::debug!(error = %err, "queue depths unavailable"),
        }
        tokio::select! {
            () = tokio::time::sleep(DEPTH_INTERVAL) => {}
            _ = stop.changed() => return,
        }
    }
}
