//! The device port.

use crate::UserId;
use crate::devices::Device;
use crate::ports::repo::RepoError;
use async_trait::async_trait;

/// What a registration did (decided by `ciel-app` over the [`crate::ports::DeviceStore`]).
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

/// Reads device fingerprints (hashed); registration goes through
/// [`crate::ports::DeviceStore`].
#[async_trait]
pub trait DeviceRepo: Send + Sync + 'static {
    /// Devices linked to `user`, most recently seen first.
    async fn list_for_user(&self, user: UserId) -> Result<Vec<Device>, RepoError>;
}
