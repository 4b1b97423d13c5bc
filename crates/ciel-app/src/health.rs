//! Liveness and readiness: is the database up, is the cache up, is the schema current?
//!
//! Answers are reused for a short while (1 s by default) and one caller at a time refreshes
//! them, so however often the probes are called, Postgres and Redis see at most one check per
//! interval from this instance.
//!
//! # Example
//!
//! ```
//! # use ciel_app::{AvatarUrls, CoreDeps, MediaUrls, SystemClock};
//! # use ciel_domain::ports::{RepoError, TxAbort, TxWork, UnitOfWork};
//! # use std::sync::Arc;
//! # /// A unit of work whose pool never has a connection to lend (see `ciel_app::tx`).
//! # struct Busy;
//! # #[async_trait::async_trait]
//! # impl UnitOfWork for Busy {
//! #     async fn transaction(&self, _: TxWork) -> Result<(), TxAbort> {
//! #         Err(RepoError::Busy("pool timed out".into()).into())
//! #     }
//! #     async fn connection(&self, _: TxWork) -> Result<(), TxAbort> {
//! #         Err(RepoError::Busy("pool timed out".into()).into())
//! #     }
//! # }
//! # fn deps() -> CoreDeps {
//! #     CoreDeps {
//! #         uow: Arc::new(Busy),
//! #         cache: None,
//! #         store: None,
//! #         avatars: AvatarUrls::new(None, None),
//! #         media_urls: MediaUrls::new(None),
//! #         clock: Arc::new(SystemClock),
//! #         cards: ciel_app::feed::PostCards::disabled(),
//! #     }
//! # }
//! # let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! use ciel_app::{HealthReport, HealthService, Readiness};
//! use ciel_cache::MemoryCache;
//! use ciel_domain::ports::{DatabaseProbe, ProbeError};
//!
//! /// Up, at the schema version this build expects.
//! struct Current;
//! #[async_trait::async_trait]
//! impl DatabaseProbe for Current {
//!     async fn ping(&self) -> Result<(), ProbeError> {
//!         Ok(())
//!     }
//!     async fn applied_schema_version(&self) -> Result<Option<String>, ProbeError> {
//!         Ok(Some("20261201000800".into()))
//!     }
//!     fn expected_schema_version(&self) -> String {
//!         "20261201000800".into()
//!     }
//! }
//! let health = HealthService::new(Arc::new(Current), Some(Arc::new(MemoryCache::default())));
//! rt.block_on(async {
//!     assert_eq!(health.health().await, HealthReport::Ok);
//!     assert!(matches!(health.readiness().await, Readiness::Ready { schema_version } if schema_version == "20261201000800"));
//! });
//! ```

use ciel_domain::ports::{Cache, DatabaseProbe};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::{Instant, timeout};

/// How long a health probe may take before it counts as failed.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);
/// How long a probe's answer is reused by default.
pub const DEFAULT_PROBE_REUSE: Duration = Duration::from_secs(1);

/// One reusable answer and when it was made.
type Memo<T> = Arc<Mutex<Option<(Instant, T)>>>;

/// The outcome of `GET /health`: the process answers either way; `degraded` tells that a
/// dependency did not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HealthReport {
    /// Database and cache answered.
    Ok,
    /// The database or the cache did not answer in time.
    Degraded,
}

/// The outcome of `GET /ready`: may this instance receive traffic?
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Readiness {
    /// Database reachable and schema at the version this build embeds.
    Ready {
        /// The schema version in force.
        schema_version: String,
    },
    /// Not ready, and why (safe to show: versions and a short cause, no internals).
    NotReady {
        /// The reason, for operators.
        reason: String,
    },
}

/// Health and readiness checks over the database probe and (when the mode uses one) the cache.
#[derive(Clone)]
pub struct HealthService {
    db: Arc<dyn DatabaseProbe>,
    cache: Option<Arc<dyn Cache>>,
    reuse: Duration,
    last_health: Memo<HealthReport>,
    last_readiness: Memo<Readiness>,
}

/// The memo's answer if younger than `reuse`, else a fresh one from `probe` (one caller at a
/// time probes; the others wait for its answer).
async fn memoized<T: Clone, F: Future<Output = T>>(
    memo: &Memo<T>,
    reuse: Duration,
    probe: impl FnOnce() -> F,
) -> T {
    let mut slot = memo.lock().await;
    if let Some((at, answer)) = slot.as_ref()
        && at.elapsed() < reuse
    {
        return answer.clone();
    }
    let answer = probe().await;
    *slot = Some((Instant::now(), answer.clone()));
    answer
}

impl HealthService {
    /// A service that probes `db`, and `cache` when there is one, reusing answers for
    /// [`DEFAULT_PROBE_REUSE`].
    pub fn new(db: Arc<dyn DatabaseProbe>, cache: Option<Arc<dyn Cache>>) -> Self {
        Self {
            db,
            cache,
            reuse: DEFAULT_PROBE_REUSE,
            last_health: Memo::default(),
            last_readiness: Memo::default(),
        }
    }

    /// Reuses each answer for `reuse` (zero: probe on every call).
    pub fn with_reuse(mut self, reuse: Duration) -> Self {
        self.reuse = reuse;
        self
    }

    /// Pings the database and the cache concurrently (or reuses a recent answer).
    pub async fn health(&self) -> HealthReport {
        memoized(&self.last_health, self.reuse, || self.probe_health()).await
    }

    async fn probe_health(&self) -> HealthReport {
        let db = async { matches!(timeout(PROBE_TIMEOUT, self.db.ping()).await, Ok(Ok(()))) };
        let cache = async {
            match &self.cache {
                None => true,
                Some(cache) => matches!(timeout(PROBE_TIMEOUT, cache.ping()).await, Ok(Ok(()))),
            }
        };
        let (db_ok, cache_ok) = tokio::join!(db, cache);
        if !db_ok {
            tracing::warn!("health: database ping failed");
        }
        if !cache_ok {
            tracing::warn!("health: cache ping failed");
        }
        if db_ok && cache_ok {
            HealthReport::Ok
        } else {
            HealthReport::Degraded
        }
    }

    /// Ready when the database answers and has every migration this build embeds: its newest
    /// applied version is this build's newest or a later one. Migrations are expand/contract
    /// safe (docs/ARCHITECTURE.md, *Rollouts*), so the previous release keeps serving while the
    /// next one's expand migration is applied; a database behind this build is not ready. A
    /// recent answer is reused.
    pub async fn readiness(&self) -> Readiness {
        memoized(&self.last_readiness, self.reuse, || self.probe_readiness()).await
    }

    async fn probe_readiness(&self) -> Readiness {
        let expected = self.db.expected_schema_version();
        match timeout(PROBE_TIMEOUT, self.db.applied_schema_version()).await {
            Err(_) => Readiness::NotReady {
                reason: "database did not answer in time".into(),
            },
            Ok(Err(err)) => {
                tracing::warn!(error = %err, "readiness: database unavailable");
                Readiness::NotReady {
                    reason: "database unavailable".into(),
                }
            }
            // Versions are fixed-width digit strings, so text order is version order.
            Ok(Ok(Some(applied))) if applied >= expected => Readiness::Ready {
                schema_version: applied,
            },
            Ok(Ok(applied)) => Readiness::NotReady {
                reason: format!(
                    "schema version is {}, this build expects {expected}",
                    applied.as_deref().unwrap_or("none")
                ),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_trait::async_trait;
    use ciel_domain::ports::{CacheError, ProbeError};

    struct FakeDb {
        up: bool,
        applied: Option<&'static str>,
        pings: std::sync::atomic::AtomicUsize,
    }

    #[async_trait]
    impl DatabaseProbe for FakeDb {
        async fn ping(&self) -> Result<(), ProbeError> {
            self.pings.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            if self.up {
                Ok(())
            } else {
                Err(ProbeError("down".into()))
            }
        }
        async fn applied_schema_version(&self) -> Result<Option<String>, ProbeError> {
            self.ping().await?;
            Ok(self.applied.map(String::from))
        }
        fn expected_schema_version(&self) -> String {
            "2".into()
        }
    }

    struct FakeCache(bool);

    #[async_trait]
    impl Cache for FakeCache {
        async fn get(&self, _: &str) -> Result<Option<Vec<u8>>, CacheError> {
            Ok(None)
        }
        async fn set(&self, _: &str, _: &[u8], _: Duration) -> Result<(), CacheError> {
            Ok(())
        }
        async fn delete(&self, _: &str) -> Result<(), CacheError> {
            Ok(())
        }
        async fn delete_prefix(&self, _: &str) -> Result<(), CacheError> {
            Ok(())
        }
        async fn ping(&self) -> Result<(), CacheError> {
            if self.0 {
                Ok(())
            } else {
                Err(CacheError("down".into()))
            }
        }
    }

    fn service(db_up: bool, applied: Option<&'static str>, cache_up: bool) -> HealthService {
        HealthService::new(
            Arc::new(FakeDb {
                up: db_up,
                applied,
                pings: Default::default(),
            }),
            Some(Arc::new(FakeCache(cache_up))),
        )
    }

    #[tokio::test(start_paused = true)]
    async fn answers_are_reused_for_the_interval_then_refreshed() {
        let db = Arc::new(FakeDb {
            up: true,
            applied: Some("2"),
            pings: Default::default(),
        });
        let pings = || db.pings.load(std::sync::atomic::Ordering::SeqCst);
        let service = HealthService::new(db.clone(), None);
        for _ in 0..50 {
            assert_eq!(service.health().await, HealthReport::Ok);
        }
        assert_eq!(pings(), 1, "one ping for fifty calls within a second");
        for _ in 0..5 {
            assert!(matches!(service.readiness().await, Readiness::Ready { .. }));
        }
        assert_eq!(pings(), 2, "readiness has its own answer, also reused");
        tokio::time::advance(DEFAULT_PROBE_REUSE).await;
        service.health().await;
        service.readiness().await;
        assert_eq!(pings(), 4, "both refreshed after the interval");
        let every_call = HealthService::new(db.clone(), None).with_reuse(Duration::ZERO);
        every_call.health().await;
        every_call.health().await;
        assert_eq!(pings(), 6);
    }

    #[tokio::test]
    async fn health_reflects_both_dependencies() {
        assert_eq!(service(true, None, true).health().await, HealthReport::Ok);
        assert_eq!(
            service(false, None, true).health().await,
            HealthReport::Degraded
        );
        assert_eq!(
            service(true, None, false).health().await,
            HealthReport::Degraded
        );
    }

    #[tokio::test]
    async fn readiness_requires_the_embedded_schema_version_or_a_later_one() {
        assert_eq!(
            service(true, Some("2"), false).readiness().await,
            Readiness::Ready {
                schema_version: "2".into()
            }
        );
        // The next release's expand migration is applied: this build keeps serving.
        assert_eq!(
            service(true, Some("3"), true).readiness().await,
            Readiness::Ready {
                schema_version: "3".into()
            }
        );
        assert!(matches!(
            service(true, Some("1"), true).readiness().await,
            Readiness::NotReady { reason } if reason.contains("expects 2")
        ));
        assert!(matches!(
            service(true, None, true).readiness().await,
            Readiness::NotReady { .. }
        ));
        assert!(matches!(
            service(false, Some("2"), true).readiness().await,
            Readiness::NotReady { .. }
        ));
    }
}
