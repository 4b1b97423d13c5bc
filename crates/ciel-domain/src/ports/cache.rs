//! The cache port. A cache is never the source of truth: callers treat every error as a miss.
//!
//! # Example
//!
//! An in-memory cache through the port (the default `delete_many` removes keys one by one):
//!
//! ```
//! use async_trait::async_trait;
//! use ciel_domain::ports::{Cache, CacheError};
//! use std::collections::HashMap;
//! use std::sync::Mutex;
//! use std::time::Duration;
//!
//! #[derive(Default)]
//! struct Map(Mutex<HashMap<String, Vec<u8>>>);
//!
//! #[async_trait]
//! impl Cache for Map {
//!     async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
//!         Ok(self.0.lock().unwrap().get(key).cloned())
//!     }
//!     async fn set(&self, key: &str, value: &[u8], _ttl: Duration) -> Result<(), CacheError> {
//!         self.0.lock().unwrap().insert(key.to_owned(), value.to_vec());
//!         Ok(())
//!     }
//!     async fn delete(&self, key: &str) -> Result<(), CacheError> {
//!         self.0.lock().unwrap().remove(key);
//!         Ok(())
//!     }
//!     async fn delete_prefix(&self, prefix: &str) -> Result<(), CacheError> {
//!         self.0.lock().unwrap().retain(|k, _| !k.starts_with(prefix));
//!         Ok(())
//!     }
//!     async fn ping(&self) -> Result<(), CacheError> {
//!         Ok(())
//!     }
//! }
//!
//! futures_executor::block_on(async {
//!     let cache: &dyn Cache = &Map::default();
//!     cache.set("feed:home:a", b"page", Duration::from_secs(30)).await.unwrap();
//!     cache.set("feed:home:b", b"page", Duration::from_secs(30)).await.unwrap();
//!     assert_eq!(cache.get("feed:home:a").await.unwrap().as_deref(), Some(&b"page"[..]));
//!     cache.delete_many(&["feed:home:a".into(), "feed:home:b".into()]).await.unwrap();
//!     assert_eq!(cache.get("feed:home:b").await.unwrap(), None);
//! });
//! ```

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
