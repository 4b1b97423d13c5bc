//! The device store: fingerprint rows inside a unit of work, locked while the use case decides
//! on blocking, linking and risk (contract §3.10).
//!
//! # Example
//!
//! What registration reads under the row lock and writes back:
//!
//! ```
//! use chrono::Utc;
//! use ciel_domain::UserId;
//! use ciel_domain::ports::{DeviceSeen, DeviceState};
//!
//! let mut state = DeviceState { user_ids: vec![UserId::generate()], risk_score: 0, is_blocked: false };
//! let newcomer = UserId::generate();
//! if !state.user_ids.contains(&newcomer) {
//!     state.user_ids.push(newcomer);
//! }
//! let seen = DeviceSeen {
//!     user_ids: &state.user_ids,
//!     risk_score: 20,
//!     seen_at: Utc::now(),
//!     user_agent: Some("Ciel/1.0 (iOS)"),
//! };
//! assert_eq!(seen.user_ids.len(), 2, "account_count is their number");
//! ```

use crate::UserId;
use crate::ports::repo::RepoError;
use crate::time::Timestamp;
use async_trait::async_trait;

/// A device row as registration sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceState {
    /// Linked users, in linking order.
    pub user_ids: Vec<UserId>,
    /// 0–100.
    pub risk_score: i32,
    /// Blocked by an operator.
    pub is_blocked: bool,
}

/// What a registration writes back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceSeen<'a> {
    /// Linked users (`account_count` is their number).
    pub user_ids: &'a [UserId],
    /// The new risk.
    pub risk_score: i32,
    /// `last_seen_at` and `updated_at`.
    pub seen_at: Timestamp,
    /// The user agent; `None` keeps the stored one.
    pub user_agent: Option<&'a str>,
}

/// Device fingerprints (hashed), inside a unit of work.
#[async_trait]
pub trait DeviceStore: Send {
    /// Locks the device's row for the rest of the transaction, creating it (unlinked, risk 0,
    /// first and last seen `now`) when missing, and returns it.
    async fn lock_device(
        &mut self,
        fingerprint_hash: &str,
        now: Timestamp,
    ) -> Result<DeviceState, RepoError>;

    /// Writes the registration's result to the device's row.
    async fn store_device(
        &mut self,
        fingerprint_hash: &str,
        seen: &DeviceSeen<'_>,
    ) -> Result<(), RepoError>;
}
