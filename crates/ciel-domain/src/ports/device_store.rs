//! The device store: fingerprint rows inside a unit of work, locked while the use case decides
//! on blocking, linking and risk (contract §3.10).

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
