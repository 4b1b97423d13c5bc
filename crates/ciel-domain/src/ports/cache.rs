//! The cache port. A cache is never the source of truth: callers treat every error as a miss.

use async_trait::async_trait;
use std::time::Duration;

/// A cache operation failed (the backend is down, timed out, or answered garbage).
#[derive(Debug, thiserror::Error)]
#[error("cache unavailable: {0}")]
pub struct CacheError(pub String);

/// A byte-value cache with per-key expiry.
#[async_trait]
pub trait Cache: Send + Sync + 'static {
    /// The value stored under `key`, if any and not expired.
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError>;
    /// Stores `value` under `key` for `ttl`.
    async fn set(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), CacheError>;
    /// Removes `key`; removing a missing key is not an error.
    async fn delete(&self, key: &str) -> Result<(), CacheError>;
    /// Removes every key in `keys` (missing ones are fine). Adapters do it in one round trip, so
    /// invalidating many keys (an author's followers' feeds) costs one call, not one per key.
    /// The default removes them one by one.
    async fn delete_many(&self, keys: &[String]) -> Result<(), CacheError> {
        for key in keys {
            self.delete(key).await?;
        }
        Ok(())
    }
    /// Removes every key that starts with `prefix` (used to drop all variants of a key).
    async fn delete_prefix(&self, prefix: &str) -> Result<(), CacheError>;
    /// Checks that the backend answers.
    async fn ping(&self) -> Result<(), CacheError>;
}
