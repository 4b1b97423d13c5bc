//! The job queue port: durable, at-least-once delivery of background jobs.
//!
//! # Example
//!
//! An in-memory queue; the default `publish_media_job_traced` ignores the trace context:
//!
//! ```
//! use async_trait::async_trait;
//! use ciel_domain::ports::{JobQueue, MediaJob, QueueError};
//! use ciel_domain::{UploadId, UserId};
//! use std::sync::Mutex;
//!
//! #[derive(Default)]
//! struct Published(Mutex<Vec<MediaJob>>);
//!
//! #[async_trait]
//! impl JobQueue for Published {
//!     async fn publish_media_job(&self, job: &MediaJob) -> Result<(), QueueError> {
//!         self.0.lock().unwrap().push(job.clone());
//!         Ok(())
//!     }
//!     async fn ping(&self) -> Result<(), QueueError> {
//!         Ok(())
//!     }
//! }
//!
//! let queue = Published::default();
//! let job = MediaJob {
//!     upload_id: UploadId::generate(),
//!     owner_id: UserId::generate(),
//!     original_key: "uploads/owner/upload.png".into(),
//! };
//! futures_executor::block_on(queue.publish_media_job_traced(
//!     &job,
//!     Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
//! ))
//! .unwrap();
//! assert_eq!(queue.0.lock().unwrap().as_slice(), &[job]);
//! ```

use crate::ids::{UploadId, UserId};
use async_trait::async_trait;

/// A media-processing job (contract §3.9): one uploaded original to turn into derivatives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaJob {
    /// The upload to process.
    pub upload_id: UploadId,
    /// Its owner.
    pub owner_id: UserId,
    /// Where the original lies in object storage.
    pub original_key: String,
}

/// Publishing a job failed; the caller must keep the job (e.g. in its outbox) and retry.
#[derive(Debug, thiserror::Error)]
#[error("job queue unavailable: {0}")]
pub struct QueueError(pub String);

/// Publishes jobs durably: `Ok` means the broker has taken responsibility for the job.
#[async_trait]
pub trait JobQueue: Send + Sync + 'static {
    /// Publishes one media job and waits for the broker's confirmation.
    async fn publish_media_job(&self, job: &MediaJob) -> Result<(), QueueError>;
    /// Publishes one media job continuing the trace `traceparent` (a W3C `traceparent` value,
    /// as stored with the outbox row); `None` continues the caller's current trace, if any.
    /// Queues that carry no trace context ignore it.
    async fn publish_media_job_traced(
        &self,
        job: &MediaJob,
        traceparent: Option<&str>,
    ) -> Result<(), QueueError> {
        let _ = traceparent;
        self.publish_media_job(job).await
    }
    /// Checks that the broker answers.
    async fn ping(&self) -> Result<(), QueueError>;
}
