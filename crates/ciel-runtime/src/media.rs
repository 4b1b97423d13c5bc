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
use prometheus::{
    HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
};
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

/// Every media job outcome label (`media_jobs_total{outcome}`).
pub const JOB_OUTCOMES: [&str; 4] = ["completed", "failed_permanent", "retried", "dead_lettered"];

/// The job metrics every process that runs media jobs has: `media_jobs_total{outcome}` and
/// `media_job_duration_seconds{outcome}`.
#[derive(Clone)]
pub struct JobMetrics {
    /// Jobs by what became of them.
    pub jobs: IntCounterVec,
    /// Handler time per job, by outcome.
    pub duration: HistogramVec,
}

impl JobMetrics {
    /// Registers the metrics (every outcome pre-created at 0).
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
        };
        registry.register(Box::new(m.jobs.clone()))?;
        registry.register(Box::new(m.duration.clone()))?;
        for outcome in JOB_OUTCOMES {
            m.jobs.with_label_values(&[outcome]);
        }
        Ok(m)
    }

    /// Counts one job under `outcome`, with its handler time when it ran.
    pub fn observe(&self, outcome: &str, duration: Option<Duration>) {
        self.jobs.with_label_values(&[outcome]).inc();
        if let Some(d) = duration {
            self.duration
                .with_label_values(&[outcome])
                .observe(d.as_secs_f64());
        }
    }

    /// The serverless worker's observer: its verdicts are the HTTP answers (the invoker retries
    /// and dead-letters), so a transient failure counts as `retried`.
    pub fn lambda_observer(&self) -> ciel_app::media::JobObserver {
        let metrics = self.clone();
        Arc::new(move |report: &JobReport, took: Duration| {
            let outcome = match report {
                JobReport::Completed(_) | JobReport::Stale => "completed",
                JobReport::Failed(_) => "failed_permanent",
                JobReport::Retry(_) => "retried",
            };
            metrics.observe(outcome, Some(took));
        })
    }
}

/// The media metrics of a process with a broker: the job metrics, the queue depths and the
/// outbox backlog.
#[derive(Clone)]
pub struct MediaMetrics {
    /// Jobs by outcome, and their duration.
    pub jobs: JobMetrics,
    /// Ready messages per queue (`work`, `retry`, `dead_letter`).
    pub queue_depth: IntGaugeVec,
    /// Jobs committed to the outbox and not yet taken by the broker.
    pub outbox_depth: IntGauge,
}

impl MediaMetrics {
    /// Registers the metrics (every label pre-created at 0).
    pub fn register(registry: &Registry) -> prometheus::Result<Self> {
        let m = Self {
            jobs: JobMetrics::register(registry)?,
            queue_depth: IntGaugeVec::new(
                Opts::new("queue_depth", "Ready messages per media queue"),
                &["queue"],
            )?,
            outbox_depth: IntGauge::new(
                "job_outbox_depth",
                "Media jobs committed to the outbox and not yet relayed to the broker",
            )?,
        };
        registry.register(Box::new(m.queue_depth.clone()))?;
        registry.register(Box::new(m.outbox_depth.clone()))?;
        for queue in ["work", "retry", "dead_letter"] {
            m.queue_depth.with_label_values(&[queue]);
        }
        Ok(m)
    }

    fn observe(&self, processed: &Processed) {
        self.jobs.observe(
            processed.disposition.metric_label(),
            processed.handler_duration,
        );
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
            relay.clone().run_until(worker.outbox_poll, stopped.clone()),
        )];
        loops.push(tokio::spawn(poll_depths(
            parts.queue.clone(),
            relay.clone(),
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
            // `api` mode: this process only relays; the workers (or `combined`) consume.
            tracing::info!("no media consumers in this process: jobs are relayed to the broker");
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
    relay: OutboxRelay,
    metrics: MediaMetrics,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        if *stop.borrow_and_update() {
            return;
        }
        match relay.backlog().await {
            Ok(n) => metrics.outbox_depth.set(n),
            Err(err) => tracing::debug!(error = %err, "outbox backlog unavailable"),
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
