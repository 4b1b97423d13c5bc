//! `PgPool`: the bb8 pools of a process — the shared one and those of the threads that adopted
//! one (see [`crate::pool_threads`]) — plus what operators need to see of them: their settings
//! and how long each checkout waited (reported to an observer the runtime installs for
//! `db_pool_wait_seconds`).

use crate::pool::PoolSettings;
use crate::pool_threads::ThreadPools;
use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

type Manager = AsyncDieselConnectionManager<AsyncPgConnection>;

/// A connection lent by a pool; returned to it when dropped.
pub type PooledConn = bb8::PooledConnection<'static, Manager>;

/// Called after every checkout with how long it waited and whether it got a connection.
pub type AcquireObserver = Box<dyn Fn(Duration, bool) + Send + Sync>;

/// The process's connection pool (cheap to clone: every clone is the same pool).
#[derive(Clone)]
pub struct PgPool {
    shared: bb8::Pool<Manager>,
    threads: Arc<ThreadPools>,
    settings: Arc<PoolSettings>,
    observer: Arc<OnceLock<AcquireObserver>>,
}

impl PgPool {
    pub(crate) fn new(
        shared: bb8::Pool<Manager>,
        threads: ThreadPools,
        settings: PoolSettings,
    ) -> Self {
        Self {
            shared,
            threads: Arc::new(threads),
            settings: Arc::new(settings),
            observer: Arc::default(),
        }
    }

    /// Takes a connection — from the calling thread's own pool if it adopted one, else from
    /// the shared pool — waiting at most the configured acquire timeout
    /// (`DB_CONNECT_TIMEOUT_SECONDS`); the wait is reported to the observer.
    pub async fn get(
        &self,
    ) -> Result<PooledConn, bb8::RunError<diesel_async::pooled_connection::PoolError>> {
        let started = Instant::now();
        let pool = self.threads.own().unwrap_or_else(|| self.shared.clone());
        let result = pool.get_owned().await;
        if let Some(observe) = self.observer.get() {
            observe(started.elapsed(), result.is_ok());
        }
        result
    }

    /// Gives the calling thread a share of the connections as a pool of its own, opened and
    /// driven on its runtime (each API worker calls this as it starts, so its queries never
    /// cross threads). `false` when it cannot: outside a Tokio runtime, when the thread already
    /// has one, when `thread_pools` threads already have one, or when the budget is too small
    /// to split. The thread's pool closes when the thread ends.
    pub fn adopt_current_thread(&self) -> bool {
        self.threads.adopt()
    }

    /// Connections of each adopting thread's pool and of the shared pool.
    pub fn split(&self) -> (u32, u32) {
        let split = self.threads.split();
        (split.per_thread, split.shared)
    }

    /// Installs the checkout observer (once; later calls are ignored and return `false`).
    pub fn observe_acquires(&self, observer: AcquireObserver) -> bool {
        self.observer.set(observer).is_ok()
    }

    /// The settings the pool was built with.
    pub fn settings(&self) -> &PoolSettings {
        &self.settings
    }

    /// Every bb8 pool of the process — the shared one first, then the threads' — and the
    /// checkout timeouts of thread pools already closed (for statistics).
    pub(crate) fn bb8_pools(&self) -> (Vec<bb8::Pool<Manager>>, u64) {
        let (threads, retired_timeouts) = self.threads.pools();
        let mut pools = vec![self.shared.clone()];
        pools.extend(threads);
        (pools, retired_timeouts)
    }
}
