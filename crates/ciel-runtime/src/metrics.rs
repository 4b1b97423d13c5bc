//! Process metrics beyond HTTP: the contract's counters and the database pool gauges, all in the
//! one Prometheus registry that `/metrics` renders.

use ciel_app::jobs::CleanupJob;
use ciel_storage::{PgPool, PoolStats};
use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{
    GaugeVec, Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry,
};

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
        // Every step of the runner, by its own label (a new step cannot be forgotten here).
        for job in CleanupJob::ALL.map(CleanupJob::label) {
            m.cleanup_runs.with_label_values(&[job]);
            m.cleanup_failures.with_label_values(&[job]);
        }
        Ok(m)
    }
}

/// The pool's metrics: `db_pool_connections{state}`, `db_pool_max`, the configured timeouts
/// (`db_pool_connect_timeout_seconds`, `db_pool_idle_timeout_seconds`,
/// `db_pool_max_lifetime_seconds`) and `db_pool_timeouts_total` read at scrape time, and
/// `db_pool_wait_seconds` (every checkout's wait, observed as it happens).
pub struct PoolCollector {
    pool: PgPool,
    connections: IntGaugeVec,
    max_gauge: IntGauge,
    settings: GaugeVec,
    timeouts: IntCounter,
    waits: Histogram,
}

/// Buckets of `db_pool_wait_seconds`: a healthy pool lends in microseconds; the top buckets
/// reach the acquire timeout.
const WAIT_BUCKETS: [f64; 12] = [
    0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

fn pool_timeouts_counter() -> prometheus::Result<IntCounter> {
    IntCounter::new(
        "db_pool_timeouts_total",
        "Checkouts that found no connection within the acquire timeout (answered 503)",
    )
}

impl PoolCollector {
    /// A collector for `pool` (its settings come from the pool); installs the checkout
    /// observer that feeds `db_pool_wait_seconds`.
    pub fn new(pool: PgPool) -> prometheus::Result<Self> {
        let waits = Histogram::with_opts(
            HistogramOpts::new(
                "db_pool_wait_seconds",
                "Time each database connection checkout waited (successful or not)",
            )
            .buckets(WAIT_BUCKETS.to_vec()),
        )?;
        let observed = waits.clone();
        pool.observe_acquires(Box::new(move |waited, _ok| {
            observed.observe(waited.as_secs_f64());
        }));
        Ok(Self {
            pool,
            connections: IntGaugeVec::new(
                Opts::new("db_pool_connections", "Database pool connections by state"),
                &["state"],
            )?,
            max_gauge: IntGauge::new("db_pool_max", "Configured database pool size")?,
            settings: GaugeVec::new(
                Opts::new(
                    "db_pool_timeout_seconds",
                    "Configured database pool timeouts (DB_CONNECT_TIMEOUT_SECONDS, DB_IDLE_TIMEOUT_SECONDS, DB_MAX_LIFETIME_SECONDS)",
                ),
                &["setting"],
            )?,
            timeouts: pool_timeouts_counter()?,
            waits,
        })
    }
}

impl Collector for PoolCollector {
    fn desc(&self) -> Vec<&Desc> {
        let mut d = self.connections.desc();
        d.extend(self.max_gauge.desc());
        d.extend(self.settings.desc());
        d.extend(self.timeouts.desc());
        d.extend(self.waits.desc());
        d
    }

    fn collect(&self) -> Vec<MetricFamily> {
        let settings = self.pool.settings();
        let stats = PoolStats::of(&self.pool, settings.max_connections);
        self.connections
            .with_label_values(&["idle"])
            .set(i64::from(stats.idle));
        self.connections
            .with_label_values(&["in_use"])
            .set(i64::from(stats.in_use));
        self.max_gauge.set(i64::from(stats.max));
        for (label, value) in [
            ("connect", settings.connect_timeout),
            ("idle", settings.idle_timeout),
            ("max_lifetime", settings.max_lifetime),
        ] {
            self.settings
                .with_label_values(&[label])
                .set(value.as_secs_f64());
        }
        // bb8 counts timeouts itself: a fresh counter per scrape, set from its count, so that
        // concurrent scrapes cannot race.
        let timeouts = pool_timeouts_counter().unwrap_or_else(|_| self.timeouts.clone());
        timeouts.inc_by(stats.timed_out);
        let mut families = self.connections.collect();
        families.extend(self.max_gauge.collect());
        families.extend(self.settings.collect());
        families.extend(timeouts.collect());
        families.extend(self.waits.collect());
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
