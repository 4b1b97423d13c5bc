//! `RabbitQueue`: the production `JobQueue` adapter (lapin, publisher confirms, persistent
//! messages, lazy connection that is re-opened on the next call after it died).

use crate::config::RabbitConfig;
use crate::link::Link;
use crate::message;
use crate::topology::{self, QueueDepths, QueueNames};
use async_trait::async_trait;
use ciel_domain::ports::{JobQueue, MediaJob, QueueError};
use std::sync::Arc;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// Publishes media jobs to RabbitMQ.
///
/// Connects on first use (so a broker outage at start does not stop the process) and declares
/// the topology on every connect. `Ok` from [`publish_media_job`](JobQueue::publish_media_job)
/// means the broker confirmed a persistent message in a durable queue. Every call is bounded:
/// connecting by `connect_timeout`, publishing by `confirm_timeout`; on any failure the
/// connection is dropped and the next call opens a new one.
pub struct RabbitQueue {
    config: RabbitConfig,
    link: Mutex<Option<Arc<Link>>>,
}

impl RabbitQueue {
    /// A publisher that connects lazily.
    pub fn new(config: RabbitConfig) -> Self {
        Self {
            config,
            link: Mutex::new(None),
        }
    }

    /// A publisher that connects (and declares the topology) now.
    pub async fn connect(config: RabbitConfig) -> Result<Self, QueueError> {
        let queue = Self::new(config);
        queue.link().await?;
        Ok(queue)
    }

    /// The queue names this publisher uses.
    pub fn queues(&self) -> &QueueNames {
        &self.config.queues
    }

    /// Ready messages in the main, retry and dead-letter queues.
    pub async fn queue_depths(&self) -> Result<QueueDepths, QueueError> {
        let link = self.link().await?;
        let read = topology::depths(link.channel(), &self.config.queues);
        match tokio::time::timeout(self.config.confirm_timeout, read).await {
            Ok(Ok(depths)) => Ok(depths),
            Ok(Err(e)) => {
                self.discard(&link).await;
                Err(QueueError(format!("reading queue depths failed: {e}")))
            }
            Err(_) => {
                self.discard(&link).await;
                Err(QueueError("timed out reading queue depths".to_owned()))
            }
        }
    }

    /// Closes the connection gracefully (the next call reconnects).
    pub async fn close(&self) {
        let link = self.link.lock().await.take();
        if let Some(link) = link {
            link.close().await;
        }
    }

    /// The open link, or a new one; fails within `connect_timeout`.
    async fn link(&self) -> Result<Arc<Link>, QueueError> {
        let deadline = Instant::now() + self.config.connect_timeout;
        let mut slot = tokio::time::timeout_at(deadline, self.link.lock())
            .await
            .map_err(|_| QueueError("timed out connecting to the broker".to_owned()))?;
        if let Some(link) = slot.as_ref()
            && link.is_usable()
        {
            return Ok(Arc::clone(link));
        }
        if slot.take().is_some() {
            tracing::info!(
                queue = self.config.queues.main(),
                "reconnecting to the broker"
            );
        }
        let link = Arc::new(Link::open(&self.config, deadline).await?);
        *slot = Some(Arc::clone(&link));
        Ok(link)
    }

    /// Forgets `link` (if it is still the current one) so that the next call reconnects.
    /// Never waits: if another call holds the slot it is reconnecting or will notice itself.
    async fn discard(&self, link: &Arc<Link>) {
        if let Ok(mut slot) = self.link.try_lock()
            && slot
                .as_ref()
                .is_some_and(|current| Arc::ptr_eq(current, link))
        {
            *slot = None;
        }
    }
}

#[async_trait]
impl JobQueue for RabbitQueue {
    async fn publish_media_job(&self, job: &MediaJob) -> Result<(), QueueError> {
        self.publish_media_job_traced(job, None).await
    }

    async fn publish_media_job_traced(
        &self,
        job: &MediaJob,
        traceparent: Option<&str>,
    ) -> Result<(), QueueError> {
        let link = self.link().await?;
        let result = link
            .publish(
                self.config.queues.main(),
                &message::encode_body(job),
                crate::trace::with_traceparent(message::job_properties(), traceparent),
                self.config.confirm_timeout,
            )
            .await;
        if let Err(e) = &result {
            tracing::warn!(upload_id = %job.upload_id, error = %e, "media job not published");
            self.discard(&link).await;
        }
        result
    }

    async fn ping(&self) -> Result<(), QueueError> {
        // A round trip that also proves the work queue exists.
        self.queue_depths().await.map(|_| ())
    }
}
