//! The in-process limiter: GCRA state in a sharded map with a fixed key budget.
//!
//! The map is split into shards, each behind its own lock, so no decision (and no sweep) ever
//! holds the whole map. Each shard holds at most its share of the configured key budget: a new
//! key arriving at a full shard first drops the shard's expired keys, then, if none were
//! expired, the key written longest ago. Each shard also sweeps its expired keys at most every
//! ten seconds, when it is next used.

use crate::gcra;
use async_trait::async_trait;
use ciel_domain::ports::{Decision, Limit, RateLimiter};
use std::collections::hash_map::RandomState;
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// How often a shard is swept of keys whose state has run out (their TAT is past).
const SWEEP_EVERY_MS: i64 = 10_000;
/// The number of shards (fewer when the key budget is smaller).
const SHARDS: usize = 32;
/// The default key budget (`RATE_LIMIT_MEMORY_MAX_KEYS`).
pub const DEFAULT_MAX_KEYS: usize = 100_000;

/// A limiter whose state lives in this process (tests, `--embedded`, serverless, and the
/// fallback while Redis is unreachable). Same policy as the Redis limiter.
pub struct MemoryLimiter {
    /// Monotonic clock origin: TATs are ms since `origin`.
    origin: Instant,
    shards: Box<[Mutex<Shard>]>,
    per_shard: usize,
    hasher: RandomState,
}

/// One key's state: a TAT per window (seconds), and when it was last written.
struct Slot {
    tats: Vec<(u64, i64)>,
    written: u64,
}

impl Slot {
    fn expired(&self, now: i64) -> bool {
        self.tats.iter().all(|(_, tat)| *tat <= now)
    }
}

#[derive(Default)]
struct Shard {
    slots: HashMap<Arc<str>, Slot>,
    /// Write sequence → key, oldest first.
    order: BTreeMap<u64, Arc<str>>,
    seq: u64,
    next_sweep_ms: i64,
}

impl Shard {
    /// Drops every key whose state has run out; returns how many.
    fn sweep(&mut self, now: i64) -> usize {
        let before = self.slots.len();
        let order = &mut self.order;
        self.slots.retain(|_, slot| {
            let keep = !slot.expired(now);
            if !keep {
                order.remove(&slot.written);
            }
            keep
        });
        before - self.slots.len()
    }

    /// Makes room for one new key within `cap`.
    fn make_room(&mut self, cap: usize, now: i64) {
        if self.slots.len() < cap || self.sweep(now) > 0 {
            return;
        }
        if let Some((_, oldest)) = self.order.pop_first() {
            self.slots.remove(&oldest);
        }
    }

    fn write(&mut self, key: &str, tats: Vec<(u64, i64)>, cap: usize, now: i64) {
        self.seq += 1;
        let written = self.seq;
        if let Some(slot) = self.slots.get_mut(key) {
            self.order.remove(&slot.written);
            slot.tats = tats;
            slot.written = written;
            if let Some((k, _)) = self.slots.get_key_value(key) {
                self.order.insert(written, Arc::clone(k));
            }
            return;
        }
        self.make_room(cap, now);
        let key: Arc<str> = Arc::from(key);
        self.order.insert(written, Arc::clone(&key));
        self.slots.insert(key, Slot { tats, written });
    }
}

impl Default for MemoryLimiter {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryLimiter {
    /// An empty limiter holding at most [`DEFAULT_MAX_KEYS`] keys.
    pub fn new() -> Self {
        Self::with_max_keys(DEFAULT_MAX_KEYS)
    }

    /// An empty limiter holding at most `max_keys` keys (at least one).
    pub fn with_max_keys(max_keys: usize) -> Self {
        let max_keys = max_keys.max(1);
        let shards = SHARDS.min(max_keys);
        Self {
            origin: Instant::now(),
            shards: (0..shards).map(|_| Mutex::new(Shard::default())).collect(),
            per_shard: max_keys / shards,
            hasher: RandomState::new(),
        }
    }

    /// Keys with state (for tests and diagnostics).
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| lock(s).slots.len()).sum()
    }

    /// Whether no key has state.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most keys this limiter holds.
    pub fn max_keys(&self) -> usize {
        self.per_shard * self.shards.len()
    }

    fn now_ms(&self) -> i64 {
        i64::try_from(self.origin.elapsed().as_millis()).unwrap_or(i64::MAX)
    }

    fn shard(&self, key: &str) -> &Mutex<Shard> {
        let index = self.hasher.hash_one(key) as usize % self.shards.len();
        &self.shards[index]
    }

    fn decide(&self, key: &str, limits: &[Limit], consume: bool) -> Decision {
        let params = gcra::params(limits);
        let now = self.now_ms();
        let mut shard = lock(self.shard(key));
        if now >= shard.next_sweep_ms {
            // A TAT in the past is the same as no state.
            shard.sweep(now);
            shard.next_sweep_ms = now + SWEEP_EVERY_MS;
        }
        let stored = shard.slots.get(key);
        let mut tats: Vec<i64> = params
            .iter()
            .map(|p| {
                stored
                    .and_then(|s| s.tats.iter().find(|(w, _)| *w == p.window_secs))
                    .map_or(0, |(_, tat)| *tat)
            })
            .collect();
        let outcome = gcra::decide(now, &params, &mut tats, consume);
        if outcome.allowed && consume {
            let state = params.iter().map(|p| p.window_secs).zip(tats).collect();
            shard.write(key, state, self.per_shard, now);
        }
        drop(shard);
        outcome.decision(&params, false)
    }
}

fn lock(shard: &Mutex<Shard>) -> std::sync::MutexGuard<'_, Shard> {
    // A shard stays consistent even if a holder panicked (each update completes or not).
    shard.lock().unwrap_or_else(|e| e.into_inner())
}

#[async_trait]
impl RateLimiter for MemoryLimiter {
    async fn check(&self, key: &str, limits: &[Limit]) -> Decision {
        self.decide(key, limits, true)
    }

    async fn peek(&self, key: &str, limits: &[Limit]) -> Decision {
        self.decide(key, limits, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ciel_domain::ratelimit::Window;

    fn hourly(max: u32) -> [Limit; 1] {
        [Limit {
            window: Window::Hour,
            max,
        }]
    }

    #[test]
    fn the_key_budget_is_never_exceeded() {
        let limiter = MemoryLimiter::with_max_keys(64);
        assert_eq!(limiter.max_keys(), 64);
        for i in 0..10_000 {
            let d = limiter.decide(&format!("k{i}"), &hourly(5), true);
            assert!(d.allowed);
            assert!(limiter.len() <= 64, "{} keys after {i}", limiter.len());
        }
        assert!(limiter.len() > 32, "the budget is used, not just one shard");
    }

    #[test]
    fn the_oldest_key_is_evicted_first() {
        // One shard of two keys: `a` is written before `b`, so `c` evicts `a`.
        let limiter = MemoryLimiter::with_max_keys(1);
        assert!(limiter.decide("a", &hourly(1), true).allowed);
        assert!(
            !limiter.decide("a", &hourly(1), true).allowed,
            "a is limited"
        );
        assert!(limiter.decide("b", &hourly(1), true).allowed);
        assert_eq!(limiter.len(), 1);
        // `a` was evicted for `b`: its state is gone.
        assert!(limiter.decide("a", &hourly(1), false).allowed);

        let limiter = MemoryLimiter::with_max_keys(2);
        assert_eq!(limiter.shards.len(), 2);
        let limiter = MemoryLimiter {
            shards: vec![Mutex::new(Shard::default())].into_boxed_slice(),
            per_shard: 2,
            ..limiter
        };
        for key in ["a", "b"] {
            assert!(limiter.decide(key, &hourly(1), true).allowed);
        }
        assert!(limiter.decide("c", &hourly(1), true).allowed);
        assert!(limiter.decide("a", &hourly(1), false).allowed, "a evicted");
        assert!(!limiter.decide("b", &hourly(1), false).allowed, "b kept");
        assert!(!limiter.decide("c", &hourly(1), false).allowed, "c kept");
    }

    #[test]
    fn limited_keys_keep_their_state_and_refusals_write_nothing() {
        let limiter = MemoryLimiter::with_max_keys(10);
        for _ in 0..3 {
            assert!(limiter.decide("x", &hourly(3), true).allowed);
        }
        assert!(!limiter.decide("x", &hourly(3), true).allowed);
        assert!(!limiter.decide("y", &hourly(0), true).allowed);
        assert_eq!(limiter.len(), 1, "a refused fresh key stores nothing");
    }
}
