//! Cache-aside helpers that swallow cache errors: a broken cache degrades to a miss, never to a
//! failed request.

use ciel_domain::ports::Cache;
use std::time::Duration;

/// What a cache read found.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    /// The value was cached.
    Hit(Vec<u8>),
    /// Nothing cached under the key.
    Miss,
    /// The cache failed; the caller falls through to the source of truth.
    Error,
}

/// Reads `key`, turning cache failures into [`Lookup::Error`] (logged once here).
pub async fn lookup(cache: &dyn Cache, key: &str) -> Lookup {
    match cache.get(key).await {
        Ok(Some(bytes)) => Lookup::Hit(bytes),
        Ok(None) => Lookup::Miss,
        Err(err) => {
            tracing::warn!(%key, error = %err, "cache read failed; falling through");
            Lookup::Error
        }
    }
}

/// Stores `value` best-effort; a failure is logged and otherwise ignored.
pub async fn store(cache: &dyn Cache, key: &str, value: &[u8], ttl: Duration) {
    if let Err(err) = cache.set(key, value, ttl).await {
        tracing::warn!(%key, error = %err, "cache write failed; ignored");
    }
}

/// Drops `key` best-effort; a failure is logged (the entry then expires by its TTL).
pub async fn invalidate(cache: &dyn Cache, key: &str) {
    if let Err(err) = cache.delete(key).await {
        tracing::warn!(%key, error = %err, "cache invalidation failed; entry will expire");
    }
}

/// Drops every key under `prefix` best-effort.
pub async fn invalidate_prefix(cache: &dyn Cache, prefix: &str) {
    if let Err(err) = cache.delete_prefix(prefix).await {
        tracing::warn!(%prefix, error = %err, "cache invalidation failed; entries will expire");
    }
}
