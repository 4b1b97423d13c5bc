//! The upload store: rows of `media_uploads` and their state transitions (contract §3.9).
//! Every transition is one conditional write, so concurrent callers (two `complete`s, a
//! redelivered job) cannot both win.
//!
//! # Example
//!
//! The worker claims an upload only from a claimable state; the store does the transition with a
//! conditional `UPDATE`, so concurrent deliveries claim it once:
//!
//! ```
//! use chrono::Utc;
//! use ciel_domain::ports::{RepoError, UploadStore};
//! use ciel_domain::uploads::UploadStatus;
//! use ciel_domain::UploadId;
//!
//! async fn claim(store: &mut dyn UploadStore, id: UploadId) -> Result<bool, RepoError> {
//!     Ok(store.claim_upload(id, Utc::now()).await?.is_some())
//! }
//! # let _ = claim;
//! assert!(UploadStatus::Uploaded.claimable() && UploadStatus::Processing.claimable());
//! assert!(!UploadStatus::Completed.claimable());
//! assert!(UploadStatus::Pending.accepts_complete());
//! ```

use crate::ports::repo::RepoError;
use crate::time::Timestamp;
use crate::uploads::Upload;
use crate::{MediaId, UploadId, UserId};
use async_trait::async_trait;

/// Uploads, inside a unit of work.
#[async_trait]
pub trait UploadStore: Send {
    /// Records a new `pending` upload.
    async fn insert_upload(&mut self, upload: &Upload) -> Result<(), RepoError>;

    /// The upload `id` if `owner` owns it.
    async fn owned_upload(
        &mut self,
        id: UploadId,
        owner: UserId,
    ) -> Result<Option<Upload>, RepoError>;

    /// Locks the upload `id` of `owner` (`FOR UPDATE`) for the rest of the transaction.
    async fn lock_owned_upload(
        &mut self,
        id: UploadId,
        owner: UserId,
    ) -> Result<Option<Upload>, RepoError>;

    /// `pending` → `uploaded` with `uploaded_at = now`; whether the row changed.
    async fn mark_uploaded(&mut self, id: UploadId, now: Timestamp) -> Result<bool, RepoError>;

    /// `uploaded`|`processing` → `processing` in one statement; the row when claimed, `None`
    /// when the upload is missing or in any other state (the job is stale).
    async fn claim_upload(
        &mut self,
        id: UploadId,
        now: Timestamp,
    ) -> Result<Option<Upload>, RepoError>;

    /// Locks the upload `id` (`FOR UPDATE`), whoever owns it.
    async fn lock_upload(&mut self, id: UploadId) -> Result<Option<Upload>, RepoError>;

    /// `processing` → `completed` pointing at `media`; whether the row changed.
    async fn complete_upload(
        &mut self,
        id: UploadId,
        media: MediaId,
        now: Timestamp,
    ) -> Result<bool, RepoError>;

    /// `processing` → `failed`; whether the row changed.
    async fn fail_upload(&mut self, id: UploadId, now: Timestamp) -> Result<bool, RepoError>;

    /// Up to `limit` uploads in `uploaded` or `processing` whose `COALESCE(uploaded_at,
    /// created_at)` is before `cutoff`, oldest first.
    async fn stale_uploads(
        &mut self,
        cutoff: Timestamp,
        limit: i64,
    ) -> Result<Vec<Upload>, RepoError>;
}
