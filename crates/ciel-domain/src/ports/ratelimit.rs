//! The rate-limiter port.

use crate::ratelimit::Window;
use async_trait::async_trait;
use std::time::Duration;

/// One limit: at most `max` requests per `window`, enforced smoothly (no double burst at
/// window edges).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// The window.
    pub window: Window,
    /// Requests allowed per window.
    pub max: u32,
}

/// A limiter's answer, reported for the tightest of the limits checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    /// Whether the request may proceed (it then counts against every limit).
    pub allowed: bool,
    /// The tightest limit's `max`.
    pub limit: u32,
    /// Requests left in the tightest limit after this one (0 when refused).
    pub remaining: u32,
    /// When refused: how long until a request would be allowed (the true wait).
    pub retry_after: Duration,
    /// True when the shared store was unreachable and the per-instance fallback decided.
    pub fallback: bool,
}

/// Checks and counts requests against limits, atomically across all limits of a key.
#[async_trait]
pub trait RateLimiter: Send + Sync + 'static {
    /// Checks `key` against every limit at once: allowed only if all allow, and only then does
    /// the request count. Never fails: when the shared store is down, an in-process limiter with
    /// the same policy decides (`fallback = true`).
    async fn check(&self, key: &str, limits: &[Limit]) -> Decision;

    /// The tightest limit's remaining requests for `key`, without counting a request.
    async fn peek(&self, key: &str, limits: &[Limit]) -> Decision;
}
