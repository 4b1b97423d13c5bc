//! `PgPool`: the bb8 pool plus what operators need to see of it — its settings and how long
//! each checkout waited (reported to an observer the runtime installs for
//! `db_pool_wait_seconds`).

use crate::pool::PoolSettings;
use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

type Manager = AsyncDieselConnectionManager<AsyncPgConnection>;

/// A connection lent by the pool; returned to it when dropped.
pub type PooledConn<'a> = bb8::PooledConnection<'a, Manager>;

/// Called after every checkout with how long it waited and whether it got a connection.
pub type AcquireObserver = Box<dyn Fn(Duration, bool) + Send + Sync>;

/// The shared connection pool (cheap to clone: every clone is the same pool).
#[derive(Clone)]
pub struct PgPool {
    inner: bb8::Pool<Manager>,
    settings: Arc<PoolSettings>,
    observer: Arc<OnceLock<AcquireObserver>>,
}

impl PgPool {
    pub(crate) fn new(inner: bb8::Pool<Manager>, settings: PoolSettings) -> Self {
        Self {
            inner,
            settings: Arc::new(settings),
            observer: Arc::default(),
        }
    }

    /// Takes a connection, waiting at most the configured acquire timeout
    /// (`DB_CONNECT_TIMEOUT_SECONDS`); the wait is reported to the observer.
    pub async fn get(
        &self,
    ) -> Result<PooledConn<'_>, bb8::RunError<diesel_async::pooled_connection::PoolError>> {
        let started = Instant::now();
        let result = self.inner.get().await;
        if let Some(observe) = self.observer.get() {
            observe(started.elapsed(), result.is_ok());
        }
        result
    }

    /// Installs the checkout observer (once; later calls are ignored and return `false`).
    pub fn observe_acquires(&self, observer: AcquireObserver) -> bool {
        self.observer.set(observer).is_ok()
    }

    /// The settings the pool was built with.
    pub fn settings(&self) -> &PoolSettings {
        &self.settings
    }

    /// The underlying bb8 pool (state and statistics).
    pub fn inner(&self) -> &bb8::Pool<Manager> {
        &self.inner
    }
}
