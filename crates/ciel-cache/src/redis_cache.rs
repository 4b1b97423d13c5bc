//! The Redis cache adapter over reconnecting multiplexed connections, one per calling thread.
//!
//! A multiplexed connection's driver task runs on the runtime that opened it. actix serves
//! requests on one single-threaded runtime per worker thread, so one shared connection makes
//! every other worker's command cross threads twice (a wake-up to the driver's thread, another
//! back with the reply). Each thread therefore gets its own lazily opened connection, whose
//! driver runs beside the requests that use it; a cached feed page is then one round trip with
//! no cross-thread hand-off. The number of per-thread connections is bounded; past it, threads
//! share one connection.

use async_trait::async_trait;
use ciel_domain::ports::{Cache, CacheError};
use redis::AsyncCommands;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;
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
/// Threads that get a connection of their own; later ones share [`Connections::shared`].
const MAX_THREAD_CONNECTIONS: usize = 32;

struct Connections {
    client: redis::Client,
    config: ConnectionManagerConfig,
    per_thread: Mutex<HashMap<ThreadId, ConnectionManager>>,
    shared: Mutex<Option<ConnectionManager>>,
}

impl Connections {
    fn open(&self) -> Result<ConnectionManager, CacheError> {
        ConnectionManager::new_lazy_with_config(self.client.clone(), self.config.clone())
            .map_err(err)
    }

    /// The calling thread's connection (opened on first use, on this thread's runtime).
    fn get(&self) -> Result<ConnectionManager, CacheError> {
        let thread = std::thread::current().id();
        let mut map = self.per_thread.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(conn) = map.get(&thread) {
            return Ok(conn.clone());
        }
        if map.len() < MAX_THREAD_CONNECTIONS {
            let conn = self.open()?;
            map.insert(thread, conn.clone());
            return Ok(conn);
        }
        drop(map);
        let mut shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(conn) = shared.as_ref() {
            return Ok(conn.clone());
        }
        let conn = self.open()?;
        *shared = Some(conn.clone());
        Ok(conn)
    }
}

/// A cache in Redis. Connects lazily and reconnects by itself, so a Redis outage at start or
/// later only turns cache calls into errors (misses), never stops the process.
#[derive(Clone)]
pub struct RedisCache {
    conns: Arc<Connections>,
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
        Ok(Self {
            conns: Arc::new(Connections {
                client,
                config,
                per_thread: Mutex::new(HashMap::new()),
                shared: Mutex::new(None),
            }),
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
        let mut conn = self.conns.get()?;
        conn.get(self.key(key)).await.map_err(err)
    }

    async fn set(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), CacheError> {
        let mut conn = self.conns.get()?;
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
        let mut conn = self.conns.get()?;
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
        let mut conn = self.conns.get()?;
        pipe.query_async::<()>(&mut conn).await.map_err(err)
    }

    async fn delete_prefix(&self, prefix: &str) -> Result<(), CacheError> {
        let mut conn = self.conns.get()?;
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
        let mut conn = self.conns.get()?;
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
