//! The job outbox: jobs written in the same transaction as the change that needs them, and
//! published to the broker afterwards by a relay, so a broker outage delays a job but never
//! loses it.
//!
//! # Example
//!
//! The relay's view of an entry: the job and the trace context it was enqueued under.
//!
//! ```
//! use ciel_domain::ports::{MediaJob, OutboxEntry, OutboxStore, RepoError};
//! use ciel_domain::{UploadId, UserId};
//!
//! let entry = OutboxEntry {
//!     id: uuid::Uuid::new_v4(),
//!     job: MediaJob {
//!         upload_id: UploadId::generate(),
//!         owner_id: UserId::generate(),
//!         original_key: "uploads/o/u.jpg".into(),
//!     },
//!     attempts: 0,
//!     trace_context: Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into()),
//! };
//! assert!(entry.trace_context.as_deref().is_some_and(|t| t.starts_with("00-")));
//!
//! /// After a confirmed publish the relay deletes the row; a refused one is deferred.
//! async fn settle(store: &mut dyn OutboxStore, entry: &OutboxEntry, published: bool) -> Result<(), RepoError> {
//!     if published {
//!         store.delete_job(entry.id).await
//!     } else {
//!         store.defer_job(entry.id, "broker away", chrono::Utc::now()).await
//!     }
//! }
//! # let _ = settle;
//! ```

use crate::ports::jobs::MediaJob;
use crate::ports::repo::RepoError;
use crate::time::Timestamp;
use async_trait::async_trait;
use uuid::Uuid;

/// A job waiting in the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxEntry {
    /// The outbox row.
    pub id: Uuid,
    /// The job to publish.
    pub job: MediaJob,
    /// Failed publish attempts so far.
    pub attempts: i32,
    /// The W3C `traceparent` of the request that enqueued the job (when traces were on), so
    /// the published message continues that trace.
    pub trace_context: Option<String>,
}

/// The outbox, inside a unit of work.
#[async_trait]
pub trait OutboxStore: Send {
    /// Adds a media job, due at `now`.
    async fn enqueue_media_job(&mut self, job: &MediaJob, now: Timestamp) -> Result<(), RepoError>;

    /// Locks up to `limit` jobs due at `now` (oldest first), skipping rows another relay holds.
    async fn lock_due_jobs(
        &mut self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<OutboxEntry>, RepoError>;

    /// Removes a published job.
    async fn delete_job(&mut self, id: Uuid) -> Result<(), RepoError>;

    /// Records a failed publish: one more attempt, the error, due again at `next`.
    async fn defer_job(&mut self, id: Uuid, error: &str, next: Timestamp) -> Result<(), RepoError>;

    /// Jobs in the outbox (due or not).
    async fn outbox_len(&mut self) -> Result<i64, RepoError>;
}
