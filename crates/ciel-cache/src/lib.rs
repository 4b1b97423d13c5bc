//! Adapters for the domain's `Cache` port: Redis for production, an in-process cache for the
//! embedded dev mode and fast tests. Both pass the conformance suite in `ciel-testkit`.
//!
//! A cache is never the source of truth: every error surfaces as `CacheError`, which callers
//! treat as a miss (see [`aside`]).

pub mod aside;
pub mod cards;
pub mod memory;
pub mod redis_cache;

pub use cards::MemoryCardStore;
pub use memory::MemoryCache;
pub use redis_cache::{RedisCache, RedisCacheError};
