//! Upload intents, `complete` and upload status (contract §2.7).

use super::{MediaService, storage_unavailable, upload_not_found};
use crate::error::AppError;
use crate::tx::{read, transact};
use ciel_domain::ports::{MediaJob, ObjectStore, ObjectStoreError};
use ciel_domain::uploads::{Upload, UploadStatus, check_intent, upload_key};
use ciel_domain::{MediaId, UploadId, UserId};
use std::sync::Arc;

/// What `POST /media/upload` answers (§1.8 UploadIntent).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadIntent {
    /// The new upload.
    pub upload_id: UploadId,
    /// `uploads/{owner}/{upload}.{ext}`.
    pub object_key: String,
    /// The presigned PUT.
    pub upload_url: String,
    /// Its lifetime.
    pub expires_in_seconds: u64,
    /// The headers the PUT must carry (bound into the signature).
    pub headers: Vec<(String, String)>,
}

/// What `GET /media/upload/:id/status` answers (§1.8 UploadStatus).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UploadState {
    /// Where the upload is.
    pub status: UploadStatus,
    /// The processed media once `completed`.
    pub processed_media_id: Option<MediaId>,
}

/// The uploaded object does not match what was declared.
const NOT_IN_STORAGE: &str = "upload not found in storage";
const SIZE_MISMATCH: &str = "uploaded size does not match";
const TYPE_MISMATCH: &str = "uploaded content type does not match";

impl MediaService {
    fn object_store(&self) -> Result<&Arc<dyn ObjectStore>, AppError> {
        self.deps
            .store
            .as_ref()
            .ok_or_else(|| AppError::internal("no object store configured"))
    }

    /// `POST /media/upload`: checks the declared type and size, records a `pending` upload and
    /// presigns a PUT bound to that type and length.
    pub async fn create_upload(
        &self,
        owner: UserId,
        content_type: &str,
        bytes: i64,
    ) -> Result<UploadIntent, AppError> {
        let format = check_intent(content_type, bytes, self.settings.upload_max_bytes)
            .map_err(|e| AppError::Invalid(e.0.to_owned()))?;
        let store = self.object_store()?;
        let id = UploadId::generate();
        let key = upload_key(owner, id, format);
        let length = u64::try_from(bytes).unwrap_or_default();
        let ttl = self.settings.upload_url_ttl;
        let put = store
            .presign_put(&key, format.content_type(), length, ttl)
            .await
            .map_err(AppError::internal)?;
        let upload = Upload {
            id,
            owner_id: owner,
            original_key: key.clone(),
            content_type: format.content_type().to_owned(),
            bytes,
            status: UploadStatus::Pending,
            processed_media_id: None,
            uploaded_at: None,
            created_at: self.deps.clock.now(),
        };
        transact(&*self.deps.uow, move |tx| {
            Box::pin(async move { Ok(tx.insert_upload(&upload).await?) })
        })
        .await?;
        Ok(UploadIntent {
            upload_id: id,
            object_key: key,
            upload_url: put.url,
            expires_in_seconds: ttl.as_secs(),
            headers: put.headers,
        })
    }

    /// `POST /media/upload/:id/complete`: the object must be in storage with the declared size
    /// and type; then, in one transaction, `pending` → `uploaded` and the job into the outbox
    /// (so a broker outage delays it but never loses it). Idempotent while `pending` or
    /// `uploaded`; 404 otherwise.
    pub async fn complete_upload(&self, owner: UserId, id: UploadId) -> Result<(), AppError> {
        let upload = read(&*self.deps.uow, move |tx| {
            Box::pin(async move { Ok(tx.owned_upload(id, owner).await?) })
        })
        .await?
        .filter(|u| u.status.accepts_complete())
        .ok_or_else(upload_not_found)?;
        let meta = match self.object_store()?.head(&upload.original_key).await {
            Ok(meta) => meta,
            Err(ObjectStoreError::NotFound) => {
                return Err(AppError::Invalid(NOT_IN_STORAGE.into()));
            }
            Err(e) => return Err(storage_unavailable(e)),
        };
        if i64::try_from(meta.size).ok() != Some(upload.bytes) {
            return Err(AppError::Invalid(SIZE_MISMATCH.into()));
        }
        if meta
            .content_type
            .as_deref()
            .is_some_and(|t| t != upload.content_type)
        {
            return Err(AppError::Invalid(TYPE_MISMATCH.into()));
        }
        let now = self.deps.clock.now();
        let enqueued = transact(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                let upload = tx
                    .lock_owned_upload(id, owner)
                    .await?
                    .filter(|u| u.status.accepts_complete())
                    .ok_or_else(upload_not_found)?;
                if upload.status != UploadStatus::Pending {
                    return Ok(false);
                }
                tx.mark_uploaded(id, now).await?;
                let job = MediaJob {
                    upload_id: id,
                    owner_id: owner,
                    original_key: upload.original_key,
                };
                tx.enqueue_media_job(&job, now).await?;
                Ok(true)
            })
        })
        .await?;
        if enqueued {
            self.wake.wake();
        }
        Ok(())
    }

    /// `GET /media/upload/:id/status`: the caller's upload, else 404.
    pub async fn upload_status(
        &self,
        owner: UserId,
        id: UploadId,
    ) -> Result<UploadState, AppError> {
        let upload = read(&*self.deps.uow, move |tx| {
            Box::pin(async move { Ok(tx.owned_upload(id, owner).await?) })
        })
        .await?
        .ok_or_else(upload_not_found)?;
        Ok(UploadState {
            status: upload.status,
            processed_media_id: upload.processed_media_id,
        })
    }
}
