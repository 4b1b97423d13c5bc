//! Device registration and listing (contract §2.12, §3.10). Blocking, linking and risk are
//! decided here, inside one transaction that locks the device's row.
//!
//! # Example
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
//! use ciel_app::{AppError, DeviceService};
//! use ciel_domain::devices::Device;
//! use ciel_domain::ports::DeviceRepo;
//! use ciel_domain::UserId;
//!
//! struct NoDevices;
//! #[async_trait::async_trait]
//! impl DeviceRepo for NoDevices {
//!     async fn list_for_user(&self, _: UserId) -> Result<Vec<Device>, RepoError> {
//!         Ok(Vec::new())
//!     }
//! }
//! let devices = DeviceService::new(Arc::new(NoDevices), Arc::new(Busy));
//! rt.block_on(async {
//!     let empty = devices.register("", None, None).await.unwrap_err();
//!     assert!(matches!(empty, AppError::Invalid(_)), "{empty:?}");
//!     let busy = devices.register("a-device-fingerprint-0123456789", None, Some("Ciel/1.0")).await;
//!     assert!(matches!(busy, Err(AppError::Unavailable { .. })), "{busy:?}");
//!     assert!(devices.list(UserId::generate()).await.unwrap().is_empty());
//! });
//! ```

use crate::error::AppError;
use crate::tx::transact;
use chrono::Utc;
use ciel_domain::UserId;
use ciel_domain::devices::{Device, RISK_ALERT_THRESHOLD, link_user, validate_fingerprint};
use ciel_domain::ports::{DeviceRepo, DeviceSeen, RegisterOutcome, UnitOfWork};
use ciel_domain::time::Timestamp;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Device fingerprints, stored hashed.
#[derive(Clone)]
pub struct DeviceService {
    repo: Arc<dyn DeviceRepo>,
    uow: Arc<dyn UnitOfWork>,
}

impl DeviceService {
    /// A service reading through `repo` and registering in transactions of `uow`.
    pub fn new(repo: Arc<dyn DeviceRepo>, uow: Arc<dyn UnitOfWork>) -> Self {
        Self { repo, uow }
    }

    /// `POST /account/device/register`: stores the SHA-256 of the fingerprint and links the
    /// caller when authenticated.
    pub async fn register(
        &self,
        fingerprint: &str,
        user: Option<UserId>,
        user_agent: Option<&str>,
    ) -> Result<(), AppError> {
        validate_fingerprint(fingerprint).map_err(|e| AppError::Invalid(e.0))?;
        let hash = hex::encode(Sha256::digest(fingerprint.as_bytes()));
        match self
            .register_hash(&hash, user, user_agent, Utc::now())
            .await?
        {
            RegisterOutcome::Blocked => {
                Err(AppError::Forbidden("This device has been blocked".into()))
            }
            RegisterOutcome::Registered { risk_score } => {
                if risk_score > RISK_ALERT_THRESHOLD {
                    tracing::warn!(device = %&hash[..16], risk_score, "high-risk device");
                }
                Ok(())
            }
        }
    }

    /// Registers the device whose fingerprint hashes to `fingerprint_hash` at `now`, in one
    /// transaction that locks its row: a blocked device → `Blocked`, nothing changed;
    /// otherwise it is created when new, seen at `now` (with `user_agent` when given), and
    /// `user`, when given and not yet linked, is linked and raises the risk
    /// ([`link_user`]).
    pub async fn register_hash(
        &self,
        fingerprint_hash: &str,
        user: Option<UserId>,
        user_agent: Option<&str>,
        now: Timestamp,
    ) -> Result<RegisterOutcome, AppError> {
        let hash = fingerprint_hash.to_owned();
        let user_agent = user_agent.map(str::to_owned);
        transact(&*self.uow, move |tx| {
            Box::pin(async move {
                let device = tx.lock_device(&hash, now).await?;
                if device.is_blocked {
                    return Ok(RegisterOutcome::Blocked);
                }
                let (user_ids, risk_score) = link_user(device.user_ids, device.risk_score, user);
                let seen = DeviceSeen {
                    user_ids: &user_ids,
                    risk_score,
                    seen_at: now,
                    user_agent: user_agent.as_deref(),
                };
                tx.store_device(&hash, &seen).await?;
                Ok(RegisterOutcome::Registered { risk_score })
            })
        })
        .await
    }

    /// `GET /account/devices`: the caller's devices, most recently seen first.
    pub async fn list(&self, user: UserId) -> Result<Vec<Device>, AppError> {
        self.repo
            .list_for_user(user)
            .await
            .map_err(AppError::internal)
    }
}
