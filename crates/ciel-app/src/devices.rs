//! Device registration and listing (contract §2.12, §3.10).

use crate::error::AppError;
use chrono::Utc;
use ciel_domain::UserId;
use ciel_domain::devices::{Device, RISK_ALERT_THRESHOLD, validate_fingerprint};
use ciel_domain::ports::{DeviceRepo, RegisterOutcome};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Device fingerprints, stored hashed.
#[derive(Clone)]
pub struct DeviceService {
    repo: Arc<dyn DeviceRepo>,
}

impl DeviceService {
    /// A service over `repo`.
    pub fn new(repo: Arc<dyn DeviceRepo>) -> Self {
        Self { repo }
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
            .repo
            .register(&hash, user, user_agent, Utc::now())
            .await
            .map_err(AppError::internal)?
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

    /// `GET /account/devices`: the caller's devices, most recently seen first.
    pub async fn list(&self, user: UserId) -> Result<Vec<Device>, AppError> {
        self.repo
            .list_for_user(user)
            .await
            .map_err(AppError::internal)
    }
}
