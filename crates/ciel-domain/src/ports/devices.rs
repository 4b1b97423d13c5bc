//! The device port.

use crate::UserId;
use crate::devices::Device;
use crate::ports::repo::RepoError;
use crate::time::Timestamp;
use async_trait::async_trait;

/// What a registration did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegisterOutcome {
    /// Stored; the device's risk score now.
    Registered {
        /// 0–100.
        risk_score: i32,
    },
    /// The device is blocked; nothing changed.
    Blocked,
}

/// Stores device fingerprints (hashed).
#[async_trait]
pub trait DeviceRepo: Send + Sync + 'static {
    /// In one transaction (contract §3.10): blocked → `Blocked`; else upsert, set `last_seen_at`
    /// and `user_agent`; when `user` is given and not yet linked, append it, set
    /// `account_count`, and raise the risk with [`crate::devices::risk_after_link`] by the count
    /// before linking.
    async fn register(
        &self,
        fingerprint_hash: &str,
        user: Option<UserId>,
        user_agent: Option<&str>,
        now: Timestamp,
    ) -> Result<RegisterOutcome, RepoError>;

    /// Devices linked to `user`, most recently seen first.
    async fn list_for_user(&self, user: UserId) -> Result<Vec<Device>, RepoError>;
}
