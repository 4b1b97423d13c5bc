//! The rate-limiter port.
//!
//! # Example
//!
//! A toy limiter that counts every request of a key against the tightest limit:
//!
//! ```
//! use async_trait::async_trait;
//! use ciel_domain::ports::{Decision, Limit, RateLimiter};
//! use ciel_domain::ratelimit::Window;
//! use std::collections::HashMap;
//! use std::sync::Mutex;
//! use std::time::Duration;
//!
//! #[derive(Default)]
//! struct Counting(Mutex<HashMap<String, u32>>);
//!
//! impl Counting {
//!     fn decide(&self, key: &str, limits: &[Limit], count: bool) -> Decision {
//!         let max = limits.iter().map(|l| l.max).min().unwrap_or(u32::MAX);
//!         let mut seen = self.0.lock().unwrap();
//!         let used = seen.entry(key.to_owned()).or_default();
//!         let allowed = *used < max;
//!         if allowed && count {
//!             *used += 1;
//!         }
//!         Decision {
//!             allowed,
//!             limit: max,
//!             remaining: max - *used,
//!             retry_after: if allowed { Duration::ZERO } else { Duration::from_secs(60) },
//!             fallback: false,
//!         }
//!     }
//! }
//!
//! #[async_trait]
//! impl RateLimiter for Counting {
//!     async fn check(&self, key: &str, limits: &[Limit]) -> Decision {
//!         self.decide(key, limits, true)
//!     }
//!     async fn peek(&self, key: &str, limits: &[Limit]) -> Decision {
//!         self.decide(key, limits, false)
//!     }
//! }
//!
//! futures_executor::block_on(async {
//!     let limiter: &dyn RateLimiter = &Counting::default();
//!     let limits = [Limit { window: Window::Minute, max: 2 }];
//!     assert!(limiter.check("ip:198.51.100.1", &limits).await.allowed);
//!     assert!(limiter.check("ip:198.51.100.1", &limits).await.allowed);
//!     let third = limiter.check("ip:198.51.100.1", &limits).await;
//!     assert!(!third.allowed);
//!     assert_eq!((third.remaining, third.retry_after), (0, Duration::from_secs(60)));
//!     assert_eq!(limiter.peek("ip:198.51.100.2", &limits).await.remaining, 2);
//! });
//! ```

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
