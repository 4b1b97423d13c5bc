//! The bb8 pool of async Postgres connections, configured once from settings.

use crate::error::StorageError;
pub use crate::pool_handle::{AcquireObserver, PgPool, PooledConn};
use crate::pool_threads::{Split, ThreadPools};
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use futures_util::FutureExt;
use std::time::Duration;

/// How the pool is sized and timed (contract §5 `DB_*` variables).
#[derive(Clone, Debug)]
pub struct PoolSettings {
    /// Most connections this process holds.
    pub max_connections: u32,
    /// Longest wait to acquire a pooled connection.
    pub connect_timeout: Duration,
    /// Idle connections are closed after this.
    pub idle_timeout: Duration,
    /// Connections are recycled after this.
    pub max_lifetime: Duration,
    /// `statement_timeout` set on every new connection.
    pub statement_timeout: Duration,
    /// Threads that may get a pool of their own (the API's workers; see
    /// [`PgPool::adopt_current_thread`]). 0: every thread shares one pool.
    pub thread_pools: u32,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 25,
            connect_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(300),
            max_lifetime: Duration::from_secs(1800),
            statement_timeout: Duration::from_secs(30),
            thread_pools: 0,
        }
    }
}

/// A snapshot of the pool for metrics (`db_pool_connections`, `db_pool_max`,
/// `db_pool_timeouts_total`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections open and idle (in every pool of the process).
    pub idle: u32,
    /// Connections lent out.
    pub in_use: u32,
    /// The configured maximum.
    pub max: u32,
    /// Checkouts that gave up after the acquire timeout (pool exhausted or database down).
    pub timed_out: u64,
}

impl PoolStats {
    /// Reads the current state of the shared pool and every thread's pool; `max` is the
    /// configured size (bb8 does not expose it).
    pub fn of(pool: &PgPool, max: u32) -> Self {
        let (pools, retired_timeouts) = pool.bb8_pools();
        let mut stats = Self {
            idle: 0,
            in_use: 0,
            max,
            timed_out: retired_timeouts,
        };
        for p in pools {
            let state = p.state();
            stats.idle += state.idle_connections;
            stats.in_use += state.connections.saturating_sub(state.idle_connections);
            stats.timed_out += state.statistics.get_timed_out;
        }
        stats
    }
}

/// Builds the pool without connecting (each connection honours the URL's `sslmode`, see
/// [`crate::connect`]): connections are made lazily (and `statement_timeout`
/// is set on each), so a database that is briefly down at start does not abort the process.
///
/// Connections are not tested when lent (no extra statement per checkout): a connection whose
/// socket closed or whose transaction state broke is dropped when returned (diesel-async's
/// `has_broken`), and a query on a dead connection fails like any other database error.
///
/// With `thread_pools` set, up to that many threads may later take a share of the connections
/// as a pool of their own ([`PgPool::adopt_current_thread`]); the shared pool keeps the rest.
pub fn connect_pool(database_url: &str, settings: &PoolSettings) -> Result<PgPool, StorageError> {
    let split = Split::of(settings.max_connections, settings.thread_pools);
    let shared = build_bb8(database_url, settings, split.shared);
    let threads = ThreadPools::new(database_url, settings, split);
    Ok(PgPool::new(shared, threads, settings.clone()))
}

/// One bb8 pool of `size` connections with the timeouts and per-connection setup of `settings`.
/// Needs no runtime unless `idle_timeout` or `max_lifetime` is set (bb8 then spawns its reaper
/// on the current runtime).
pub(crate) fn build_bb8(
    database_url: &str,
    settings: &PoolSettings,
    size: u32,
) -> bb8::Pool<AsyncDieselConnectionManager<AsyncPgConnection>> {
    let statement_timeout_ms = settings.statement_timeout.as_millis();
    let mut config = ManagerConfig::<AsyncPgConnection>::default();
    config.custom_setup = Box::new(move |url| {
        let url = url.to_owned();
        async move {
            let mut conn = crate::connect::establish(&url).await?;
            diesel::sql_query(format!("SET statement_timeout = {statement_timeout_ms}"))
                .execute(&mut conn)
                .await
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
            Ok(conn)
        }
        .boxed()
    });
    let manager = AsyncDieselConnectionManager::new_with_config(database_url, config);
    // `connection_timeout` bounds every checkout: an exhausted pool (or an unreachable
    // database) fails the request after `DB_CONNECT_TIMEOUT_SECONDS` instead of queueing it.
    bb8::Pool::builder()
        .max_size(size.max(1))
        .connection_timeout(settings.connect_timeout)
        .idle_timeout(Some(settings.idle_timeout))
        .max_lifetime(Some(settings.max_lifetime))
        .test_on_check_out(false)
        .build_unchecked(manager)
}
