//! Rate-limiter adapters for the domain's `RateLimiter` port (the policy itself lives in
//! `ciel_domain::ratelimit`).
//!
//! All adapters enforce the same smooth policy, GCRA ([`gcra`]): a limit of `max` per `window`
//! lets a fresh key make `max` requests at once, then one every `window / max`, and never more
//! than `max` in any span of `window` (no double burst at fixed-window edges).
//!
//! * [`MemoryLimiter`]: per-process state.
//! * [`RedisLimiter`]: shared state in Redis, one atomic Lua script per decision.
//! * [`FallbackLimiter`]: Redis (a busy key's requests in leased batches, [`lease`]), and the
//!   in-memory limiter while Redis is unreachable.

pub mod fallback;
pub mod gcra;
pub mod lease;
pub mod memory;
pub mod redis;

pub use self::redis::{RedisLimiter, RedisLimiterError};
pub use fallback::{FallbackLimiter, OnFallback};
pub use memory::MemoryLimiter;
