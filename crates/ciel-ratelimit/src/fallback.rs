//! Redis first; the in-memory limiter while Redis is unreachable (contract §0).

use crate::lease::Leases;
use crate::memory::MemoryLimiter;
use crate::redis::RedisLimiter;
use async_trait::async_trait;
use ciel_domain::ports::{Decision, Limit, RateLimiter};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::{Duration, Instant};

/// Called each time the in-memory fallback decides (e.g. to count `ratelimit_fallback_total`).
pub type OnFallback = Arc<dyn Fn() + Send + Sync>;

/// While Redis is known down, at most one request tries it per this interval; the others go
/// straight to memory and do not pay the timeout.
const RETRY_EVERY: Duration = Duration::from_secs(1);

/// The production limiter: decides in Redis (shared by every instance; a busy key's requests in
/// leased batches, see [`crate::lease`]) and, on any Redis error, in this instance's memory with
/// the same policy (`fallback = true`), going back to Redis as soon as it answers again. Never
/// fails, never waits longer than the Redis timeout.
///
/// Logs one warning when an outage starts and one info line when Redis is back.
pub struct FallbackLimiter {
    primary: RedisLimiter,
    leases: Leases,
    fallback: MemoryLimiter,
    on_fallback: Option<OnFallback>,
    /// Whether Redis is known down.
    down: AtomicBool,
    /// While down: when (ms since `origin`) the next request may try Redis.
    next_try_ms: AtomicI64,
    origin: Instant,
}

impl FallbackLimiter {
    /// Redis first, `fallback` while Redis is unreachable.
    /// The lease book holds at most as many keys as `fallback`.
    pub fn new(primary: RedisLimiter, fallback: MemoryLimiter) -> Self {
        Self {
            primary,
            leases: Leases::with_max_keys(fallback.max_keys()),
            fallback,
            on_fallback: None,
            down: AtomicBool::new(false),
            next_try_ms: AtomicI64::new(0),
            origin: Instant::now(),
        }
    }

    /// Calls `on_fallback` each time the in-memory fallback decides.
    pub fn with_on_fallback(mut self, on_fallback: OnFallback) -> Self {
        self.on_fallback = Some(on_fallback);
        self
    }

    /// Requests this limiter has sent to Redis (decisions, leased batches and peeks).
    pub fn redis_round_trips(&self) -> u64 {
        self.leases.round_trips()
    }

    /// Whether Redis is currently considered down.
    pub fn is_degraded(&self) -> bool {
        self.down.load(Ordering::Acquire)
    }

    fn now_ms(&self) -> i64 {
        i64::try_from(self.origin.elapsed().as_millis()).unwrap_or(i64::MAX)
    }

    /// Whether this request should try Redis: always while up; while down, one request per
    /// [`RETRY_EVERY`] (claimed atomically so a burst sends one probe, not all).
    fn should_try_redis(&self) -> bool {
        if !self.down.load(Ordering::Acquire) {
            return true;
        }
        let now = self.now_ms();
        let next = self.next_try_ms.load(Ordering::Acquire);
        now >= next
            && self
                .next_try_ms
                .compare_exchange(next, now + retry_ms(), Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
    }

    fn redis_ok(&self) {
        if self.down.swap(false, Ordering::AcqRel) {
            tracing::info!("rate limiter: Redis is back; deciding in Redis again");
        }
    }

    fn redis_failed(&self, e: &redis::RedisError) {
        self.next_try_ms
            .store(self.now_ms() + retry_ms(), Ordering::Release);
        if !self.down.swap(true, Ordering::AcqRel) {
            tracing::warn!(
                error = %e,
                "rate limiter: Redis unreachable; deciding in this instance's memory until it is back"
            );
        }
    }

    fn fell_back(&self, mut decision: Decision) -> Decision {
        decision.fallback = true;
        if let Some(cb) = &self.on_fallback {
            cb();
        }
        decision
    }

    async fn decide(&self, key: &str, limits: &[Limit], consume: bool) -> Decision {
        if self.should_try_redis() {
            // Probing after an outage must reach Redis: no answer from local leases then.
            let use_local = !self.is_degraded();
            let result = if consume {
                self.leases
                    .check(&self.primary, key, limits, use_local)
                    .await
            } else {
                self.leases
                    .peek(&self.primary, key, limits, use_local)
                    .await
            };
            match result {
                Ok(decision) => {
                    self.redis_ok();
                    return decision;
                }
                Err(e) => self.redis_failed(&e),
            }
        }
        let decision = if consume {
            self.fallback.check(key, limits).await
        } else {
            self.fallback.peek(key, limits).await
        };
        self.fell_back(decision)
    }
}

fn retry_ms() -> i64 {
    i64::try_from(RETRY_EVERY.as_millis()).unwrap_or(1000)
}

#[async_trait]
impl RateLimiter for FallbackLimiter {
    async fn check(&self, key: &str, limits: &[Limit]) -> Decision {
        self.decide(key, limits, true).await
    }

    async fn peek(&self, key: &str, limits: &[Limit]) -> Decision {
        self.decide(key, limits, false).await
    }
}
