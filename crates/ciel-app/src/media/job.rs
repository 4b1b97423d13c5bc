//! The media job (contract §3.9), the one use case `ciel-worker`, `combined` mode and
//! `ciel-lambda` all run.
//!
//! 1. Claim: `uploaded`|`processing` → `processing` in one `UPDATE … RETURNING`; any other state
//!    (or no row) means the job is stale: done, nothing to do.
//! 2. Download the original, process it on the blocking pool with a per-job timeout.
//! 3. Upload the clean original, thumb and medium under `media/{owner}/{upload}/…` (fixed keys:
//!    a redelivery rewrites the same objects), `Cache-Control: public, max-age=31536000,
//!    immutable`.
//! 4. One transaction: lock the upload; still `processing` → insert the media row (BlurHash
//!    included) and flip to `completed`; otherwise another delivery finished first → stale, and
//!    this one's row is never written. So duplicates leave one media row and one `completed`.
//! 5. Best effort: delete the raw upload (it may carry GPS metadata and is never served).
//!
//! Errors are typed, never matched on text: [`JobError::Permanent`] (the image itself is bad)
//! marks the upload `failed`; [`JobError::Transient`] (storage, database, network) leaves the
//! job for a retry.

use crate::error::AppError;
use crate::tx::transact;
use ciel_domain::media::Media;
use ciel_domain::ports::{
    Clock, ImageError, ImageFormat, ImageLimits, ImageProcessor, MediaJob, ObjectStore,
    ProcessedImage, UnitOfWork,
};
use ciel_domain::uploads::{IMMUTABLE_CACHE_CONTROL, MediaKeys, Upload, UploadStatus};
use ciel_domain::{MediaId, UploadId};
use std::sync::Arc;
use std::time::Duration;

/// Why a job did not finish.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The upload can never be processed (undecodable, too large, unsupported, too slow): it
    /// is marked `failed` and the message acknowledged.
    #[error("permanent: {0}")]
    Permanent(ImageError),
    /// Something outside the image failed (object storage, database, network): retry later.
    #[error("transient: {0}")]
    Transient(String),
}

impl From<AppError> for JobError {
    /// Every use-case error inside the job comes from storage or the database: transient.
    fn from(err: AppError) -> Self {
        Self::Transient(err.to_string())
    }
}

/// What one run of a job did.
#[derive(Debug)]
pub enum JobReport {
    /// Processed: the media row exists and the upload is `completed`.
    Completed(MediaId),
    /// Nothing to do: the upload is missing, already finished, or another delivery finished
    /// it first. Acknowledge.
    Stale,
    /// The image is bad: the upload is now `failed`. Acknowledge.
    Failed(ImageError),
    /// A transient failure: retry (with back-off, bounded, then dead-letter).
    Retry(String),
}

/// Limits of the job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MediaJobSettings {
    /// Decoder limits.
    pub limits: ImageLimits,
    /// Longest processing time of one image before it counts as a permanent failure.
    pub timeout: Duration,
}

impl Default for MediaJobSettings {
    fn default() -> Self {
        Self {
            limits: ImageLimits::default(),
            timeout: Duration::from_secs(60),
        }
    }
}

/// Told about every finished run (the serverless worker counts its jobs with it; queue
/// consumers count what they did with the delivery instead).
pub type JobObserver = Arc<dyn Fn(&JobReport, Duration) + Send + Sync>;

/// Runs media jobs.
#[derive(Clone)]
pub struct MediaJobService {
    uow: Arc<dyn UnitOfWork>,
    store: Arc<dyn ObjectStore>,
    images: Arc<dyn ImageProcessor>,
    clock: Arc<dyn Clock>,
    settings: MediaJobSettings,
    observer: Option<JobObserver>,
}

impl MediaJobService {
    /// A job runner over these ports.
    pub fn new(
        uow: Arc<dyn UnitOfWork>,
        store: Arc<dyn ObjectStore>,
        images: Arc<dyn ImageProcessor>,
        clock: Arc<dyn Clock>,
        settings: MediaJobSettings,
    ) -> Self {
        Self {
            uow,
            store,
            images,
            clock,
            settings,
            observer: None,
        }
    }

    /// Reports every run's verdict and duration to `observer`.
    pub fn observed(mut self, observer: JobObserver) -> Self {
        self.observer = Some(observer);
        self
    }

    /// Runs one job to a verdict (see the module doc). Never panics on bad input.
    pub async fn run(&self, job: MediaJob) -> JobReport {
        let started = std::time::Instant::now();
        let report = self.verdict(job).await;
        if let Some(observe) = &self.observer {
            observe(&report, started.elapsed());
        }
        report
    }

    async fn verdict(&self, job: MediaJob) -> JobReport {
        let upload_id = job.upload_id;
        match self.process(job).await {
            Ok(Some(media)) => JobReport::Completed(media),
            Ok(None) => JobReport::Stale,
            Err(JobError::Transient(cause)) => {
                tracing::warn!(%upload_id, %cause, "media job failed transiently");
                JobReport::Retry(cause)
            }
            Err(JobError::Permanent(error)) => match self.mark_failed(upload_id).await {
                Ok(()) => {
                    tracing::info!(%upload_id, %error, "media upload failed permanently");
                    JobReport::Failed(error)
                }
                // Recording the failure failed (database): try the whole job again later.
                Err(err) => JobReport::Retry(err.to_string()),
            },
        }
    }

    /// Claim, process, store, commit; `None` when the job is stale.
    async fn process(&self, job: MediaJob) -> Result<Option<MediaId>, JobError> {
        let Some(upload) = self.claim(job.upload_id).await? else {
            return Ok(None);
        };
        let format = ImageFormat::from_content_type(&upload.content_type).ok_or_else(|| {
            JobError::Permanent(ImageError::Corrupt(format!(
                "unsupported content type {:?}",
                upload.content_type
            )))
        })?;
        let original = self
            .store
            .get(&upload.original_key)
            .await
            .map_err(|e| JobError::Transient(format!("downloading the original: {e}")))?;
        let ProcessedImage {
            width,
            height,
            original,
            thumb,
            medium,
            blurhash,
        } = self.process_image(original, format).await?;
        let keys = MediaKeys::new(upload.owner_id, upload.id, format);
        self.store_objects(&keys, format, [original, thumb, medium])
            .await?;
        let media = Media {
            id: MediaId::generate(),
            owner_id: upload.owner_id,
            original_key: keys.original,
            thumb_key: keys.thumb,
            medium_key: keys.medium,
            width: dimension(width)?,
            height: dimension(height)?,
            bytes: upload.bytes,
            created_at: self.clock.now(),
            blurhash: Some(blurhash),
        };
        let done = self.commit(upload.id, media).await?;
        if done.is_some()
            && let Err(err) = self.store.delete(&upload.original_key).await
        {
            tracing::warn!(upload_id = %upload.id, error = %err, "the raw upload could not be deleted");
        }
        Ok(done)
    }

    async fn claim(&self, id: UploadId) -> Result<Option<Upload>, JobError> {
        let now = self.clock.now();
        Ok(transact(&*self.uow, move |tx| {
            Box::pin(async move { Ok(tx.claim_upload(id, now).await?) })
        })
        .await?)
    }

    /// Runs the processor on the blocking pool, bounded by the per-job timeout. A panic or a
    /// timeout means the image itself is pathological: permanent.
    async fn process_image(
        &self,
        bytes: Vec<u8>,
        format: ImageFormat,
    ) -> Result<ProcessedImage, JobError> {
        let images = Arc::clone(&self.images);
        let limits = self.settings.limits;
        let work = tokio::task::spawn_blocking(move || images.process(&bytes, format, limits));
        match tokio::time::timeout(self.settings.timeout, work).await {
            Ok(Ok(Ok(processed))) => Ok(processed),
            Ok(Ok(Err(error))) => Err(JobError::Permanent(error)),
            Ok(Err(join)) => Err(JobError::Permanent(ImageError::Corrupt(format!(
                "the image processor failed: {join}"
            )))),
            Err(_) => Err(JobError::Permanent(ImageError::Corrupt(format!(
                "processing took longer than {} s",
                self.settings.timeout.as_secs()
            )))),
        }
    }

    async fn store_objects(
        &self,
        keys: &MediaKeys,
        format: ImageFormat,
        [original, thumb, medium]: [Vec<u8>; 3],
    ) -> Result<(), JobError> {
        let put = |key: String, bytes: Vec<u8>| {
            let store = Arc::clone(&self.store);
            async move {
                store
                    .put(&key, bytes, format.content_type(), IMMUTABLE_CACHE_CONTROL)
                    .await
            }
        };
        futures_util::try_join!(
            put(keys.original.clone(), original),
            put(keys.thumb.clone(), thumb),
            put(keys.medium.clone(), medium),
        )
        .map(drop)
        .map_err(|e| JobError::Transient(format!("storing the derivatives: {e}")))
    }

    /// The media row and `completed`, together, if the upload is still `processing`.
    async fn commit(&self, id: UploadId, media: Media) -> Result<Option<MediaId>, JobError> {
        let now = self.clock.now();
        Ok(transact(&*self.uow, move |tx| {
            Box::pin(async move {
                let still_ours = tx
                    .lock_upload(id)
                    .await?
                    .is_some_and(|u| u.status == UploadStatus::Processing);
                if !still_ours {
                    return Ok(None);
                }
                tx.insert_media(&media).await?;
                tx.complete_upload(id, media.id, now).await?;
                Ok(Some(media.id))
            })
        })
        .await?)
    }

    async fn mark_failed(&self, id: UploadId) -> Result<(), JobError> {
        let now = self.clock.now();
        transact(&*self.uow, move |tx| {
            Box::pin(async move { Ok(tx.fail_upload(id, now).await.map(drop)?) })
        })
        .await?;
        Ok(())
    }
}

fn dimension(px: u32) -> Result<i32, JobError> {
    i32::try_from(px).map_err(|_| {
        JobError::Permanent(ImageError::TooLarge {
            width: px,
            height: px,
        })
    })
}
