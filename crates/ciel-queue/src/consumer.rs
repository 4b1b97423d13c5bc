//! `MediaConsumer`: consumes the media queue one job at a time, hands each job to a handler and
//! acknowledges, retries with back-off or dead-letters according to its verdict.
//!
//! Per delivery (prefetch 1):
//!
//! * undecodable (bad JSON, unknown version) → rejected without requeue, which the main queue's
//!   dead-letter settings route to `Q.dead`; the handler is not called;
//! * [`JobOutcome::Done`] / [`JobOutcome::PermanentFailure`] → acknowledged;
//! * [`JobOutcome::Retry`] (a panicking handler counts as one) → republished to `Q.retry` with
//!   the next attempt number and the back-off as expiration, confirmed, then acknowledged; on
//!   the last allowed attempt → rejected to `Q.dead` instead.
//!
//! Delivery is at least once: a job may reach the handler again after a crash or a lost
//! connection (e.g. the broker never saw an ack), so handlers must be idempotent.
//!
//! [`run`](MediaConsumer::run) reconnects after `reconnect_delay` whenever the broker is lost,
//! and on shutdown stops taking messages, lets the job in hand finish (up to
//! `shutdown_grace`, after which it is left unacknowledged for redelivery) and closes the
//! connection.

use crate::config::RabbitConfig;
use crate::link::Link;
use crate::message;
use crate::outcome::{DeadLetterReason, Disposition, JobOutcome, Processed, RunSummary};
use crate::retry::RetryPolicy;
use crate::topology::short;
use ciel_domain::ports::MediaJob;
use futures_util::FutureExt;
use futures_util::StreamExt;
use futures_util::future::{BoxFuture, Fuse};
use lapin::message::Delivery;
use lapin::options::{
    BasicAckOptions, BasicCancelOptions, BasicConsumeOptions, BasicQosOptions, BasicRejectOptions,
};
use lapin::types::FieldTable;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;
use tokio::time::Instant;
use tracing::Instrument;

/// Settings of a [`MediaConsumer`].
#[derive(Debug, Clone)]
pub struct ConsumerConfig {
    /// Broker, queues and timeouts.
    pub rabbit: RabbitConfig,
    /// Back-off and attempt bound for [`JobOutcome::Retry`].
    pub retry: RetryPolicy,
    /// Pause before reconnecting after the broker was lost or unreachable.
    pub reconnect_delay: Duration,
    /// How long the job in hand may still run once shutdown is asked for.
    pub shutdown_grace: Duration,
}

impl ConsumerConfig {
    /// Defaults: 5 attempts with 1 s, 2 s, 4 s, 8 s back-off; reconnect after 1 s; 30 s grace.
    pub fn new(rabbit: RabbitConfig) -> Self {
        Self {
            rabbit,
            retry: RetryPolicy::default(),
            reconnect_delay: Duration::from_secs(1),
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

type Observer = Box<dyn Fn(&Processed) + Send + Sync>;
type BrokerErrorObserver = Box<dyn Fn(&str) + Send + Sync>;

/// Consumes media jobs from RabbitMQ (see the module doc).
pub struct MediaConsumer<H> {
    config: ConsumerConfig,
    handler: H,
    observer: Observer,
    on_broker_error: BrokerErrorObserver,
}

impl<H> std::fmt::Debug for MediaConsumer<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaConsumer")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// The shutdown signal, remembered once it fired.
struct Shutdown<'a> {
    signal: Fuse<BoxFuture<'a, ()>>,
    fired: bool,
}

impl<'a> Shutdown<'a> {
    fn new<S: Future + Send + 'a>(signal: S) -> Self {
        let signal: BoxFuture<'a, ()> = Box::pin(async move {
            signal.await;
        });
        Self {
            signal: signal.fuse(),
            fired: false,
        }
    }

    /// Resolves when shutdown was asked for (at once if it already was).
    async fn wait(&mut self) {
        if !self.fired {
            (&mut self.signal).await;
            self.fired = true;
        }
    }
}

/// Why a session with the broker ended.
enum SessionEnd {
    /// Shutdown was asked for.
    Shutdown,
    /// The broker was unreachable or lost.
    Broker(String),
}

impl<H, Fut> MediaConsumer<H>
where
    H: Fn(MediaJob) -> Fut + Send + Sync,
    Fut: Future<Output = JobOutcome> + Send,
{
    /// A consumer that hands every decoded job to `handler`.
    pub fn new(config: ConsumerConfig, handler: H) -> Self {
        Self {
            config,
            handler,
            observer: Box::new(|_| {}),
            on_broker_error: Box::new(|_| {}),
        }
    }

    /// Calls `observer` with the error each time a session with the broker fails (before the
    /// reconnect delay), e.g. to count outages or to wait for one in a test.
    #[must_use]
    pub fn on_broker_error(mut self, observer: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.on_broker_error = Box::new(observer);
        self
    }

    /// Calls `observer` after every message is settled (e.g. to count `media_jobs_total` by
    /// [`Disposition::metric_label`] and observe `media_job_duration_seconds`).
    #[must_use]
    pub fn on_processed(mut self, observer: impl Fn(&Processed) + Send + Sync + 'static) -> Self {
        self.observer = Box::new(observer);
        self
    }

    /// Consumes until `shutdown` resolves, reconnecting whenever the broker is lost.
    pub async fn run<S: Future + Send>(self, shutdown: S) -> RunSummary {
        let mut shutdown = Shutdown::new(shutdown);
        let mut summary = RunSummary::default();
        let queue = self.config.rabbit.queues.main();
        loop {
            match self.session(&mut shutdown, &mut summary).await {
                SessionEnd::Shutdown => break,
                SessionEnd::Broker(error) => {
                    summary.broker_errors += 1;
                    tracing::warn!(queue, %error, "media consumer lost the broker; reconnecting");
                    (self.on_broker_error)(&error);
                    tokio::select! {
                        biased;
                        () = shutdown.wait() => break,
                        () = tokio::time::sleep(self.config.reconnect_delay) => {}
                    }
                }
            }
        }
        tracing::info!(queue, ?summary, "media consumer stopped");
        summary
    }

    /// One connection: consume until shutdown or until the broker is lost.
    async fn session(&self, shutdown: &mut Shutdown<'_>, summary: &mut RunSummary) -> SessionEnd {
        let deadline = Instant::now() + self.config.rabbit.connect_timeout;
        let link = tokio::select! {
            biased;
            () = shutdown.wait() => return SessionEnd::Shutdown,
            link = Link::open(&self.config.rabbit, deadline) => match link {
                Ok(link) => link,
                Err(e) => return SessionEnd::Broker(e.0),
            },
        };
        let end = self.consume(&link, shutdown, summary).await;
        link.close().await;
        end
    }

    async fn consume(
        &self,
        link: &Link,
        shutdown: &mut Shutdown<'_>,
        summary: &mut RunSummary,
    ) -> SessionEnd {
        let channel = link.channel();
        let queue = self.config.rabbit.queues.main();
        let start = async {
            channel.basic_qos(1, BasicQosOptions::default()).await?;
            channel
                .basic_consume(
                    short(queue),
                    "".into(),
                    BasicConsumeOptions::default(),
                    FieldTable::default(),
                )
                .await
        };
        let mut consumer = match tokio::time::timeout(self.config.rabbit.connect_timeout, start)
            .await
        {
            Ok(Ok(consumer)) => consumer,
            Ok(Err(e)) => return SessionEnd::Broker(format!("cannot consume {queue}: {e}")),
            Err(_) => return SessionEnd::Broker(format!("timed out starting to consume {queue}")),
        };
        tracing::info!(queue, "media consumer started");
        loop {
            let next = tokio::select! {
                biased;
                () = shutdown.wait() => {
                    let cancel = channel.basic_cancel(consumer.tag(), BasicCancelOptions::default());
                    let _ = tokio::time::timeout(self.config.rabbit.confirm_timeout, cancel).await;
                    return SessionEnd::Shutdown;
                }
                next = consumer.next() => next,
            };
            let delivery = match next {
                Some(Ok(delivery)) => delivery,
                Some(Err(e)) => return SessionEnd::Broker(e.to_string()),
                None => return SessionEnd::Broker("the broker ended the consumer".to_owned()),
            };
            match self.process(link, delivery, shutdown).await {
                Ok(Some(processed)) => {
                    summary.record(&processed.disposition);
                    (self.observer)(&processed);
                }
                Ok(None) => return SessionEnd::Shutdown,
                Err(e) => return SessionEnd::Broker(e),
            }
        }
    }

    /// Handles and settles one delivery. `Ok(None)`: shutdown grace ran out, left unsettled.
    async fn process(
        &self,
        link: &Link,
        delivery: Delivery,
        shutdown: &mut Shutdown<'_>,
    ) -> Result<Option<Processed>, String> {
        let attempt = message::attempt(&delivery.properties);
        let job = match message::decode(&delivery.properties, &delivery.data) {
            Ok(job) => job,
            Err(error) => {
                tracing::warn!(%error, "dead-lettering an undecodable media job message");
                self.settle(
                    "dead-letter",
                    delivery.reject(BasicRejectOptions { requeue: false }),
                )
                .await?;
                return Ok(Some(Processed {
                    upload_id: None,
                    attempt,
                    disposition: Disposition::DeadLettered(DeadLetterReason::Undecodable(error)),
                    handler_duration: None,
                }));
            }
        };
        let upload_id = job.upload_id;
        let span = crate::trace::job_span(&delivery.properties, &upload_id.to_string(), attempt);
        let started = Instant::now();
        let handled = AssertUnwindSafe((self.handler)(job).instrument(span)).catch_unwind();
        tokio::pin!(handled);
        let result = tokio::select! {
            biased;
            result = &mut handled => result,
            () = shutdown.wait() => {
                match tokio::time::timeout(self.config.shutdown_grace, &mut handled).await {
                    Ok(result) => result,
                    Err(_) => {
                        tracing::warn!(%upload_id, "shutdown grace ran out; the job will be redelivered");
                        return Ok(None);
                    }
                }
            }
        };
        let handler_duration = started.elapsed();
        let outcome = result.unwrap_or_else(|_| {
            tracing::error!(%upload_id, attempt, "media job handler panicked; retrying the job");
            JobOutcome::Retry
        });
        let policy = &self.config.retry;
        let disposition = match outcome {
            JobOutcome::Done => {
                self.settle("ack", delivery.ack(BasicAckOptions::default()))
                    .await?;
                Disposition::Completed
            }
            JobOutcome::PermanentFailure => {
                self.settle("ack", delivery.ack(BasicAckOptions::default()))
                    .await?;
                Disposition::FailedPermanent
            }
            JobOutcome::Retry if policy.is_last(attempt) => {
                tracing::warn!(%upload_id, attempt, "media job failed on its last attempt; dead-lettering it");
                self.settle(
                    "dead-letter",
                    delivery.reject(BasicRejectOptions { requeue: false }),
                )
                .await?;
                Disposition::DeadLettered(DeadLetterReason::RetriesExhausted { attempts: attempt })
            }
            JobOutcome::Retry => {
                let delay = policy.delay_after(attempt);
                let expiration = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
                let properties =
                    message::retry_properties(&delivery.properties, attempt + 1, expiration);
                link.publish(
                    self.config.rabbit.queues.retry(),
                    &delivery.data,
                    properties,
                    self.config.rabbit.confirm_timeout,
                )
                .await
                .map_err(|e| e.0)?;
                self.settle("ack", delivery.ack(BasicAckOptions::default()))
                    .await?;
                tracing::info!(%upload_id, attempt, ?delay, "media job will be retried");
                Disposition::Retried { attempt, delay }
            }
        };
        Ok(Some(Processed {
            upload_id: Some(upload_id),
            attempt,
            disposition,
            handler_duration: Some(handler_duration),
        }))
    }

    /// Awaits an ack or reject, bounded; any failure means the channel is gone.
    async fn settle(
        &self,
        what: &str,
        settled: impl Future<Output = lapin::Result<bool>>,
    ) -> Result<(), String> {
        match tokio::time::timeout(self.config.rabbit.confirm_timeout, settled).await {
            Ok(Ok(true)) => Ok(()),
            Ok(Ok(false)) => Err(format!("cannot {what}: the channel is closed")),
            Ok(Err(e)) => Err(format!("cannot {what}: {e}")),
            Err(_) => Err(format!("timed out trying to {what}")),
        }
    }
}
