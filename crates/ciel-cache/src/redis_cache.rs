//! The Redis cache adapter over a reconnecting multiplexed connection.

use async_trait::async_trait;
use ciel_domain::ports::{Cache, CacheError};
use redis::AsyncCommands;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::time::Duration;

/// The Redis URL is unusable.
#[derive(Debug, thiserror::Error)]
#[error("invalid REDIS_URL: {0}")]
pub struct RedisCacheError(String);

/// How long one Redis command may take before it counts as a failure (a cache that hangs must
/// not hang requests).
const RESPONSE_TIMEOUT: Duration = Duration::from_millis(500);
/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// A cache in Redis. Connects lazily and reconnects by itself, so a Redis outage at start or
/// later only turns cache calls into errors (misses), never stops the process.
#[derive(Clone)]
pub struct RedisCache {
    conn: ConnectionManager,
    key_prefix: String,
}

impl RedisCache {
    /// A cache on `url`; every key is stored under `key_prefix` (empty in production, unique
    /// per test so that tests can share one Redis).
    pub fn connect_lazy(url: &str, key_prefix: impl Into<String>) -> Result<Self, RedisCacheError> {
        let client = redis::Client::open(url).map_err(|e| RedisCacheError(e.to_string()))?;
        let config = ConnectionManagerConfig::new()
            .set_response_timeout(Some(RESPONSE_TIMEOUT))
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(200));
        let conn = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| RedisCacheError(e.to_string()))?;
        Ok(Self {
            conn,
            key_prefix: key_prefix.into(),
        })
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.key_prefix)
    }
}

fn err(e: redis::RedisError) -> CacheError {
    CacheError(e.to_string())
}

/// How many keys one `DEL` of [`Cache::delete_many`] carries; larger sets go as several `DEL`s
/// in one pipeline (still one round trip).
const DEL_CHUNK: usize = 1000;

/// Escapes Redis glob metacharacters so a prefix matches literally in `SCAN MATCH`.
fn glob_escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 2);
    for c in raw.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[async_trait]
impl Cache for RedisCache {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        let mut conn = self.conn.clone();
        conn.get(self.key(key)).await.map_err(err)
    }

    async fn set(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), CacheError> {
        let mut conn = self.conn.clone();
        let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        redis::cmd("SET")
            .arg(self.key(key))
            .arg(value)
            .arg("PX")
            .arg(millis)
            .query_async::<()>(&mut conn)
            .await
            .map_err(err)
    }

    async fn delete(&self, key: &str) -> Result<(), CacheError> {
        let mut conn = self.conn.clone();
        conn.del::<_, ()>(self.key(key)).await.map_err(err)
    }

    async fn delete_many(&self, keys: &[String]) -> Result<(), CacheError> {
        if keys.is_empty() {
            return Ok(());
        }
        let mut pipe = redis::pipe();
        for chunk in keys.chunks(DEL_CHUNK) {
            let cmd = pipe.cmd("DEL");
            for key in chunk {
                cmd.arg(self.key(key));
            }
            cmd.ignore();
        }
        let mut conn = self.conn.clone();
        pipe.query_async::<()>(&mut conn).await.map_err(err)
    }

    async fn delete_prefix(&self, prefix: &str) -> Result<(), CacheError> {
        let mut conn = self.conn.clone();
        let pattern = format!("{}*", glob_escape(&self.key(prefix)));
        let mut cursor: u64 = 0;
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(500)
                .query_async(&mut conn)
                .await
                .map_err(err)?;
            if !keys.is_empty() {
                conn.del::<_, ()>(keys).await.map_err(err)?;
            }
            if next == 0 {
                return Ok(());
            }
            cursor = next;
        }
    }

    async fn ping(&self) -> Result<(), CacheError> {
        let mut conn = self.conn.clone();
        redis::cmd("PING")
            .query_async::<String>(&mut conn)
            .await
            .map(|_| ())
            .map_err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::glob_escape;

    #[test]
    fn escapes_glob_metacharacters() {
        assert_eq!(
            glob_escape("feed:stories:a*b?[c]\\"),
            "feed:stories:a\\*b\\?\\[c\\]\\\\"
        );
    }
}
