//! Media (contract §2.7, §3.9): upload intents, `complete`, upload status, media reads and
//! deletes (`MediaService`); the processing job every worker mode runs (`MediaJobService`);
//! the outbox relay that hands jobs to the broker (`OutboxRelay`); and the stale-upload sweep
//! of the hourly cleanup.
//!
//! - `uploads`: intent, complete (object checked with a HEAD; `uploaded` and the outbox row in
//!   one transaction), status;
//! - `access`: `GET /media/:id` (the §3.1 media rule over the post and story predicates) and
//!   `DELETE /media/:id` (the foreign keys refuse while attached);
//! - `job`: claim, download, process off the executor with a timeout, upload derivatives under
//!   immutable keys, media row + `completed` in one transaction; permanent vs transient errors;
//! - `relay`: publishes outbox rows with confirms, deletes them after the confirm;
//! - `sweep`: re-enqueues stale `uploaded`/`processing` uploads.
//!
//! # Example
//!
//! An upload intent is checked against the contract before anything is stored or signed:
//!
//! ```
//! # use ciel_app::{AvatarUrls, CoreDeps, MediaUrls, SystemClock};
//! # use ciel_domain::ports::{RepoError, TxAbort, TxWork, UnitOfWork};
//! # use std::sync::Arc;
//! # /// A unit of work whose pool never has a connection to lend (see `ciel_app::tx`).
//! # struct Busy;
//! # #[async_trait::async_trait]
//! # impl UnitOfWork for Busy {
//! #     async fn transaction(&self, _: TxWork) -> Result<(), TxAbort> {
//! #         Err(RepoError::Busy("pool timed out".into()).into())
//! #     }
//! #     async fn connection(&self, _: TxWork) -> Result<(), TxAbort> {
//! #         Err(RepoError::Busy("pool timed out".into()).into())
//! #     }
//! # }
//! # fn deps() -> CoreDeps {
//! #     CoreDeps {
//! #         uow: Arc::new(Busy),
//! #         cache: None,
//! #         store: None,
//! #         avatars: AvatarUrls::new(None, None),
//! #         media_urls: MediaUrls::new(None),
//! #         clock: Arc::new(SystemClock),
//! #         cards: ciel_app::feed::PostCards::disabled(),
//! #     }
//! # }
//! # let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! use ciel_app::{AppError, MediaService, MediaSettings, RelayWake};
//! use ciel_domain::UserId;
//! use std::time::Duration;
//!
//! let settings = MediaSettings { upload_url_ttl: Duration::from_secs(900), upload_max_bytes: 10 << 20 };
//! let media = MediaService::new(deps(), settings, RelayWake::new());
//! let ann = UserId::generate();
//! rt.block_on(async {
//!     let gif = media.create_upload(ann, "image/gif", 1000).await.unwrap_err();
//!     assert!(matches!(gif, AppError::Invalid(_)), "{gif:?}");
//!     let huge = media.create_upload(ann, "image/jpeg", 11 << 20).await.unwrap_err();
//!     assert_eq!(huge.to_string(), "upload exceeds max size");
//! });
//! ```

mod access;
mod job;
mod relay;
pub(crate) mod sweep;
mod uploads;

pub use job::{JobError, JobObserver, JobReport, MediaJobService, MediaJobSettings};
pub use relay::{OutboxRelay, RelayWake};
pub use uploads::{UploadIntent, UploadState};

use crate::deps::CoreDeps;
use crate::error::AppError;
use std::time::Duration;

/// The limits of upload intents (`UPLOAD_URL_TTL_SECONDS`, `UPLOAD_MAX_BYTES`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MediaSettings {
    /// Lifetime of the presigned PUT.
    pub upload_url_ttl: Duration,
    /// Largest declared upload, in bytes.
    pub upload_max_bytes: u64,
}

/// Upload intents, completion, status, media reads and deletes.
#[derive(Clone)]
pub struct MediaService {
    deps: CoreDeps,
    settings: MediaSettings,
    wake: RelayWake,
}

impl MediaService {
    /// A service over the shared dependencies; `wake` nudges the outbox relay after a commit.
    pub fn new(deps: CoreDeps, settings: MediaSettings, wake: RelayWake) -> Self {
        Self {
            deps,
            settings,
            wake,
        }
    }
}

/// 404 for an upload that is missing or not the caller's.
pub(crate) fn upload_not_found() -> AppError {
    AppError::NotFound("upload not found".into())
}

/// 404 for a media that is missing or hidden.
pub(crate) fn media_not_found() -> AppError {
    AppError::NotFound("media not found".into())
}

/// Object storage failed while a request waited on it: retryable.
pub(crate) fn storage_unavailable(cause: impl std::fmt::Display) -> AppError {
    tracing::warn!(error = %cause, "object storage unavailable");
    AppError::Unavailable {
        message: "object storage unavailable, please retry".into(),
        retry_after_secs: 1,
    }
}
