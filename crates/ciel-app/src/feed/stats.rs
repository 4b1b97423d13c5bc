//! Counts of what the home feed's first-page cache answered (`hit`, `miss`, `error`), as plain
//! atomics: the runtime exports them as `feed_cache_requests_total{result}` at scrape time, so
//! this crate stays free of any metrics library.

use std::sync::atomic::{AtomicU64, Ordering};

/// What one cache lookup answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheOutcome {
    /// The page was there.
    Hit,
    /// It was not; Postgres answered.
    Miss,
    /// The cache failed; Postgres answered.
    Error,
}

impl CacheOutcome {
    /// Every outcome, with its metric label.
    pub const ALL: [(CacheOutcome, &'static str); 3] = [
        (CacheOutcome::Hit, "hit"),
        (CacheOutcome::Miss, "miss"),
        (CacheOutcome::Error, "error"),
    ];
}

/// Lookups of the home feed's first-page cache, by outcome.
#[derive(Debug, Default)]
pub struct FeedCacheStats {
    hits: AtomicU64,
    misses: AtomicU64,
    errors: AtomicU64,
}

impl FeedCacheStats {
    fn counter(&self, outcome: CacheOutcome) -> &AtomicU64 {
        match outcome {
            CacheOutcome::Hit => &self.hits,
            CacheOutcome::Miss => &self.misses,
            CacheOutcome::Error => &self.errors,
        }
    }

    /// Counts one lookup.
    pub fn record(&self, outcome: CacheOutcome) {
        self.counter(outcome).fetch_add(1, Ordering::Relaxed);
    }

    /// The lookups counted so far with `outcome`.
    pub fn get(&self, outcome: CacheOutcome) -> u64 {
        self.counter(outcome).load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_outcome_apart() {
        let s = FeedCacheStats::default();
        s.record(CacheOutcome::Hit);
        s.record(CacheOutcome::Hit);
        s.record(CacheOutcome::Error);
        assert_eq!(s.get(CacheOutcome::Hit), 2);
        assert_eq!(s.get(CacheOutcome::Miss), 0);
        assert_eq!(s.get(CacheOutcome::Error), 1);
    }
}
