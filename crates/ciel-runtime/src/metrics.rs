//! Process metrics beyond HTTP: the contract's counters and the database pool gauges, all in the
//! one Prometheus registry that `/metrics` renders.

use ciel_storage::{PgPool, PoolStats};
use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry};

/// The background jobs whose runs are counted (`cleanup_*_total{job}`).
pub const CLEANUP_JOBS: [&str; 4] = ["stories", "invites", "account_ages", "stale_uploads"];

/// Counters the background loops update.
#[derive(Clone)]
pub struct ProcessMetrics {
    /// Notifications that could not be recorded (stays 0: notifications are written durably).
    pub notifications_dropped: IntCounter,
    /// Notification writes that failed.
    pub notifications_worker_failures: IntCounter,
    /// Cleanup runs per job.
    pub cleanup_runs: IntCounterVec,
    /// Cleanup failures per job.
    pub cleanup_failures: IntCounterVec,
}

impl ProcessMetrics {
    /// Registers the counters (every cleanup label pre-created at 0, so dashboards see them).
    pub fn register(registry: &Registry) -> prometheus::Result<Self> {
        let m = Self {
            notifications_dropped: IntCounter::new(
                "notifications_dropped_total",
                "Notifications dropped before being recorded",
            )?,
            notifications_worker_failures: IntCounter::new(
                "notifications_worker_failures_total",
                "Notification writes that failed",
            )?,
            cleanup_runs: IntCounterVec::new(
                Opts::new("cleanup_runs_total", "Cleanup job runs"),
                &["job"],
            )?,
            cleanup_failures: IntCounterVec::new(
                Opts::new("cleanup_failures_total", "Cleanup job failures"),
                &["job"],
            )?,
        };
        registry.register(Box::new(m.notifications_dropped.clone()))?;
        registry.register(Box::new(m.notifications_worker_failures.clone()))?;
        registry.register(Box::new(m.cleanup_runs.clone()))?;
        registry.register(Box::new(m.cleanup_failures.clone()))?;
        for job in CLEANUP_JOBS {
            m.cleanup_runs.with_label_values(&[job]);
            m.cleanup_failures.with_label_values(&[job]);
        }
        Ok(m)
    }
}

/// Reads the pool's state at scrape time: `db_pool_connections{state}` and `db_pool_max`.
pub struct PoolCollector {
    pool: PgPool,
    max: u32,
    connections: IntGaugeVec,
    max_gauge: IntGauge,
}

impl PoolCollector {
    /// A collector for `pool`, whose configured size is `max`.
    pub fn new(pool: PgPool, max: u32) -> prometheus::Result<Self> {
        Ok(Self {
            pool,
            max,
            connections: IntGaugeVec::new(
                Opts::new("db_pool_connections", "Database pool connections by state"),
                &["state"],
            )?,
            max_gauge: IntGauge::new("db_pool_max", "Configured database pool size")?,
        })
    }
}

impl Collector for PoolCollector {
    fn desc(&self) -> Vec<&Desc> {
        let mut d = self.connections.desc();
        d.extend(self.max_gauge.desc());
        d
    }

    fn collect(&self) -> Vec<MetricFamily> {
        let stats = PoolStats::of(&self.pool, self.max);
        self.connections
            .with_label_values(&["idle"])
            .set(i64::from(stats.idle));
        self.connections
            .with_label_values(&["in_use"])
            .set(i64::from(stats.in_use));
        self.max_gauge.set(i64::from(stats.max));
        let mut families = self.connections.collect();
        families.extend(self.max_gauge.collect());
        families
    }
}

/// Reads the home feed's cache counters at scrape time: `feed_cache_requests_total{result}`
/// with `result` = `hit`, `miss` or `error` (a cache failure that fell through to Postgres).
pub struct FeedCacheCollector {
    stats: std::sync::Arc<ciel_app::FeedCacheStats>,
    requests: IntCounterVec,
}

fn feed_cache_counter() -> prometheus::Result<IntCounterVec> {
    IntCounterVec::new(
        Opts::new(
            "feed_cache_requests_total",
            "Home feed first-page cache lookups by result",
        ),
        &["result"],
    )
}

impl FeedCacheCollector {
    /// A collector over the feed service's counters.
    pub fn new(stats: std::sync::Arc<ciel_app::FeedCacheStats>) -> prometheus::Result<Self> {
        Ok(Self {
            stats,
            requests: feed_cache_counter()?,
        })
    }
}

impl Collector for FeedCacheCollector {
    fn desc(&self) -> Vec<&Desc> {
        self.requests.desc()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        // A fresh vector per scrape, set from the atomics: concurrent scrapes cannot race.
        let Ok(requests) = feed_cache_counter() else {
            return Vec::new();
        };
        for (outcome, label) in ciel_app::CacheOutcome::ALL {
            requests
                .with_label_values(&[label])
                .inc_by(self.stats.get(outcome));
        }
        requests.collect()
    }
}
