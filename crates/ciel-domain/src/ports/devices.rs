//! The device port.
//!
//! # Example
//!
//! ```
//! use async_trait::async_trait;
//! use ciel_domain::UserId;
//! use ciel_domain::devices::Device;
//! use ciel_domain::ports::{DeviceRepo, RegisterOutcome, RepoError};
//!
//! struct NoDevices;
//! #[async_trait]
//! impl DeviceRepo for NoDevices {
//!     async fn list_for_user(&self, _: UserId) -> Result<Vec<Device>, RepoError> {
//!         Ok(Vec::new())
//!     }
//! }
//! let listed = futures_executor::block_on(NoDevices.list_for_user(UserId::generate())).unwrap();
//! assert!(listed.is_empty());
//! let outcome = RegisterOutcome::Registered { risk_score: 10 };
//! assert_ne!(outcome, RegisterOutcome::Blocked);
//! ```

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
