//! Leases: a busy key's quota taken from Redis in small batches and spent in this process, so a
//! hot key costs one Redis round trip per batch instead of one per request, while every request
//! any instance allows was first counted in the one shared Redis state.
//!
//! How it works, per key (the design and its bound are in `docs/ARCHITECTURE.md`, *Rate
//! limiting across instances*):
//!
//! * A key whose tightest limit is below `2 · LEASE_SHARE` has a lease cap of 1: every request
//!   is decided in Redis, exactly as [`RedisLimiter::try_check`] does, and nothing is kept here.
//! * Otherwise a request with no local token asks Redis for a batch of `want` requests at once
//!   ([`RedisLimiter::try_take`], the same GCRA as `want` requests made back to back on Redis's
//!   clock). It takes one of the granted requests; the rest are this instance's tokens until
//!   `LEASE_TTL` after the batch was asked for, then dropped unused (never given back).
//! * `want` follows the key's pace ([`next_want`]): what the last batch would cover for half a
//!   lease lifetime at the rate it was spent, at most double the last batch, never above the
//!   cap `clamp(max / LEASE_SHARE, 1, MAX_LEASE)` (`max` of the tightest limit). So a key seen
//!   once takes one request, a key used every few hundred ms keeps taking one, and only a hot
//!   key holds more.
//! * One batch request per key is in flight per instance; concurrent requests of that key wait
//!   for it (bounded) instead of each going to Redis.
//! * A refusal is remembered until Redis's `retry_after` (measured from when it was asked): no
//!   request can be allowed before then, because Redis state only moves forward, so a key over
//!   its limit is refused here without a round trip.
//!
//! The map is sharded and bounded like [`crate::MemoryLimiter`]'s: a full shard drops its stale
//! keys, else any key not being fetched; losing a key only loses its unused tokens.

use crate::gcra::{self, Params};
use crate::redis::RedisLimiter;
use ciel_domain::ports::{Decision, Limit};
use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// How long leased requests may be spent after they were asked for.
pub const LEASE_TTL: Duration = Duration::from_millis(500);
/// The largest batch one instance takes for one key.
pub const MAX_LEASE: u32 = 512;
/// A batch is at most `1 / LEASE_SHARE` of the tightest limit's `max`.
pub const LEASE_SHARE: u32 = 20;
/// How long requests wait for another request's batch before counting Redis as failed.
const WAIT_FOR_BATCH: Duration = Duration::from_millis(500);
/// The number of shards (fewer when the key budget is smaller).
const SHARDS: usize = 32;
/// How often a shard drops stale keys.
const SWEEP_EVERY_MS: i64 = 10_000;

/// The largest batch one instance takes for a key with these limits.
pub fn lease_cap(params: &[Params]) -> u32 {
    params
        .iter()
        .map(|p| p.max)
        .min()
        .map_or(1, |max| (max / LEASE_SHARE).clamp(1, MAX_LEASE))
}

/// The next batch of a key whose last batch of `granted` requests was asked for `elapsed_ms`
/// ago and is now spent or expired: enough for half a lease lifetime at the pace seen, at most
/// double the last batch (a new key: 1), within `1..=cap`.
pub fn next_want(granted: u32, elapsed_ms: i64, cap: u32) -> u32 {
    if granted == 0 {
        return 1;
    }
    let paced = i64::from(granted) * (ttl_ms() / 2) / elapsed_ms.max(1);
    let paced = u32::try_from(paced).unwrap_or(u32::MAX);
    paced.min(granted.saturating_mul(2)).clamp(1, cap)
}

/// One key's local state.
struct Slot {
    /// The limits the tokens were taken for (other limits, e.g. after a trust change, start over).
    params: Vec<Params>,
    /// Requests this instance may still allow without asking Redis.
    tokens: u32,
    /// When the tokens run out (ms since the origin); also "the last batch was asked for at
    /// `expires_ms − LEASE_TTL`".
    expires_ms: i64,
    /// The tightest limit's `max` and Redis's remaining after the last batch (for headers).
    limit: u32,
    base_remaining: u32,
    /// The last batch's size (0: none yet).
    granted: u32,
    /// Refused here until then (ms since the origin), reported for a limit of `refused_limit`.
    refused_until_ms: i64,
    refused_limit: u32,
    /// Whether a batch request is in flight, and how waiters learn it finished.
    fetching: bool,
    failures: u64,
    notify: Arc<Notify>,
}

impl Slot {
    fn new(params: Vec<Params>) -> Self {
        Self {
            params,
            tokens: 0,
            expires_ms: 0,
            limit: 0,
            base_remaining: 0,
            granted: 0,
            refused_until_ms: 0,
            refused_limit: 0,
            fetching: false,
            failures: 0,
            notify: Arc::new(Notify::new()),
        }
    }

    /// Forgets tokens and refusals taken for other limits.
    fn align(&mut self, params: &[Params]) {
        if self.params != params {
            self.params = params.to_vec();
            self.tokens = 0;
            self.expires_ms = 0;
            self.granted = 0;
            self.refused_until_ms = 0;
        }
    }

    /// Nothing here is worth keeping.
    fn stale(&self, now: i64) -> bool {
        !self.fetching && now >= self.expires_ms && now >= self.refused_until_ms
    }
}

#[derive(Default)]
struct Shard {
    slots: HashMap<String, Slot>,
    next_sweep_ms: i64,
    full_sweep_ms: i64,
}

impl Shard {
    fn slot(&mut self, key: &str, params: &[Params], cap: usize, now: i64) -> &mut Slot {
        if !self.slots.contains_key(key) {
            if self.slots.len() >= cap && now >= self.full_sweep_ms {
                // At most every 100 ms: a flood of new keys must not sweep on every insert.
                self.slots.retain(|_, s| !s.stale(now));
                self.full_sweep_ms = now + 100;
            }
            if self.slots.len() >= cap {
                let victim = self
                    .slots
                    .iter()
                    .find(|(_, s)| !s.fetching)
                    .map(|(k, _)| k.clone());
                if let Some(victim) = victim {
                    self.slots.remove(&victim);
                }
            }
            self.slots
                .insert(key.to_owned(), Slot::new(params.to_vec()));
        }
        let slot = self.slots.get_mut(key).expect("inserted above");
        slot.align(params);
        slot
    }
}

/// Where a request's decision comes from.
enum Step {
    Decided(Decision),
    Wait(Arc<Notify>, u64),
    Fetch(u32, Arc<Notify>),
}

/// The per-instance lease book of [`crate::FallbackLimiter`].
pub struct Leases {
    origin: Instant,
    shards: Box<[Mutex<Shard>]>,
    per_shard: usize,
    hasher: RandomState,
    round_trips: AtomicU64,
}

impl Leases {
    /// A book holding at most `max_keys` keys.
    pub fn with_max_keys(max_keys: usize) -> Self {
        let max_keys = max_keys.max(1);
        let shards = SHARDS.min(max_keys);
        Self {
            origin: Instant::now(),
            shards: (0..shards).map(|_| Mutex::new(Shard::default())).collect(),
            per_shard: max_keys / shards,
            hasher: RandomState::new(),
            round_trips: AtomicU64::new(0),
        }
    }

    /// Requests sent to Redis so far (decisions, batches and peeks).
    pub fn round_trips(&self) -> u64 {
        self.round_trips.load(Ordering::Relaxed)
    }

    async fn take(
        &self,
        redis: &RedisLimiter,
        key: &str,
        params: &[Params],
        want: u32,
    ) -> redis::RedisResult<gcra::Outcome> {
        self.round_trips.fetch_add(1, Ordering::Relaxed);
        redis.try_take(key, params, want).await
    }

    /// Keys with local state (for tests and diagnostics).
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| lock(s).slots.len()).sum()
    }

    /// Whether no key has local state.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn now_ms(&self) -> i64 {
        i64::try_from(self.origin.elapsed().as_millis()).unwrap_or(i64::MAX)
    }

    fn shard(&self, key: &str) -> MutexGuard<'_, Shard> {
        let index = self.hasher.hash_one(key) as usize % self.shards.len();
        let mut shard = lock(&self.shards[index]);
        let now = self.now_ms();
        if now >= shard.next_sweep_ms {
            shard.slots.retain(|_, s| !s.stale(now));
            shard.next_sweep_ms = now + SWEEP_EVERY_MS;
        }
        shard
    }

    /// Checks and counts one request of `key`: from a local token or cached refusal when
    /// `use_local` (false while Redis is being probed after an outage), else from a new batch.
    /// Fails when Redis fails (the caller then falls back).
    pub async fn check(
        &self,
        redis: &RedisLimiter,
        key: &str,
        limits: &[Limit],
        use_local: bool,
    ) -> redis::RedisResult<Decision> {
        let params = gcra::params(limits);
        let cap = lease_cap(&params);
        if cap <= 1 {
            return Ok(self
                .take(redis, key, &params, 1)
                .await?
                .decision(&params, false));
        }
        loop {
            match self.step(key, &params, cap, use_local) {
                Step::Decided(decision) => return Ok(decision),
                Step::Wait(notify, failures) => {
                    let woken = notify.notified();
                    // `step` registered nothing; re-check before sleeping so a wake-up that
                    // happened in between is not missed.
                    tokio::pin!(woken);
                    woken.as_mut().enable();
                    if self.finished(key, failures) {
                        if self.failed_since(key, failures) {
                            return Err(batch_failed());
                        }
                        continue;
                    }
                    if tokio::time::timeout(WAIT_FOR_BATCH, woken).await.is_err()
                        || self.failed_since(key, failures)
                    {
                        return Err(batch_failed());
                    }
                }
                Step::Fetch(want, notify) => {
                    return self.fetch(redis, key, &params, want, notify).await;
                }
            }
        }
    }

    /// Whether the batch a waiter saw in flight has finished.
    fn finished(&self, key: &str, failures: u64) -> bool {
        let shard = self.shard(key);
        shard
            .slots
            .get(key)
            .is_none_or(|s| !s.fetching || s.failures != failures)
    }

    /// Whether a batch request of `key` failed since the waiter looked.
    fn failed_since(&self, key: &str, failures: u64) -> bool {
        let shard = self.shard(key);
        shard.slots.get(key).is_some_and(|s| s.failures != failures)
    }

    fn step(&self, key: &str, params: &[Params], cap: u32, use_local: bool) -> Step {
        let now = self.now_ms();
        let mut shard = self.shard(key);
        let slot = shard.slot(key, params, self.per_shard, now);
        if use_local {
            if slot.refused_until_ms > now {
                return Step::Decided(Decision {
                    allowed: false,
                    limit: slot.refused_limit,
                    remaining: 0,
                    retry_after: Duration::from_millis(
                        u64::try_from(slot.refused_until_ms - now).unwrap_or(0),
                    ),
                    fallback: false,
                });
            }
            if slot.tokens > 0 && now < slot.expires_ms {
                slot.tokens -= 1;
                return Step::Decided(Decision {
                    allowed: true,
                    limit: slot.limit,
                    remaining: slot
                        .base_remaining
                        .saturating_add(slot.tokens)
                        .min(slot.limit),
                    retry_after: Duration::ZERO,
                    fallback: false,
                });
            }
            if slot.fetching {
                return Step::Wait(slot.notify.clone(), slot.failures);
            }
        }
        let want = next_want(slot.granted, now - (slot.expires_ms - ttl_ms()), cap);
        slot.tokens = 0;
        slot.fetching = true;
        Step::Fetch(want, slot.notify.clone())
    }

    async fn fetch(
        &self,
        redis: &RedisLimiter,
        key: &str,
        params: &[Params],
        want: u32,
        notify: Arc<Notify>,
    ) -> redis::RedisResult<Decision> {
        let mut guard = FetchGuard {
            leases: self,
            key,
            params,
            notify,
            done: false,
        };
        let asked_at = self.now_ms();
        let outcome = self.take(redis, key, params, want).await?;
        guard.done = true;
        let mut shard = self.shard(key);
        let slot = shard.slot(key, params, self.per_shard, asked_at);
        slot.fetching = false;
        let limit = params.get(outcome.index).map_or(0, |p| p.max);
        let decision = if outcome.allowed && outcome.granted > 0 {
            let fresh_until = asked_at + ttl_ms();
            // Tokens left from a batch that raced this one keep their earlier expiry.
            slot.expires_ms = if slot.tokens > 0 {
                slot.expires_ms.min(fresh_until)
            } else {
                fresh_until
            };
            slot.tokens = slot.tokens.saturating_add(outcome.granted - 1);
            slot.granted = outcome.granted;
            slot.limit = limit;
            slot.base_remaining = outcome.remaining;
            slot.refused_until_ms = 0;
            Decision {
                allowed: true,
                limit,
                remaining: outcome.remaining.saturating_add(slot.tokens).min(limit),
                retry_after: Duration::ZERO,
                fallback: false,
            }
        } else {
            slot.refused_until_ms = asked_at + outcome.retry_after_ms;
            slot.refused_limit = limit;
            outcome.decision(params, false)
        };
        drop(shard);
        Ok(decision)
    }

    /// Peeks `key` in Redis (or answers a cached refusal when `use_local`), counting this
    /// instance's unspent tokens as remaining.
    pub async fn peek(
        &self,
        redis: &RedisLimiter,
        key: &str,
        limits: &[Limit],
        use_local: bool,
    ) -> redis::RedisResult<Decision> {
        let params = gcra::params(limits);
        // What this instance knows of the key: a refusal still running, or unspent tokens.
        let local = (lease_cap(&params) > 1)
            .then(|| {
                let now = self.now_ms();
                let shard = self.shard(key);
                shard
                    .slots
                    .get(key)
                    .filter(|s| s.params == params)
                    .map(|slot| {
                        let refused =
                            (use_local && slot.refused_until_ms > now).then(|| Decision {
                                allowed: false,
                                limit: slot.refused_limit,
                                remaining: 0,
                                retry_after: Duration::from_millis(
                                    u64::try_from(slot.refused_until_ms - now).unwrap_or(0),
                                ),
                                fallback: false,
                            });
                        let tokens = if now < slot.expires_ms {
                            slot.tokens
                        } else {
                            0
                        };
                        (refused, tokens)
                    })
            })
            .flatten();
        if let Some((Some(refused), _)) = local {
            return Ok(refused);
        }
        let tokens = local.map_or(0, |(_, tokens)| tokens);
        let mut decision = self
            .take(redis, key, &params, 0)
            .await?
            .decision(&params, false);
        if tokens > 0 {
            decision.allowed = true;
            decision.remaining = decision.remaining.saturating_add(tokens);
            decision.retry_after = Duration::ZERO;
        }
        Ok(decision)
    }
}

/// Clears a key's "batch in flight" and wakes its waiters however the batch request ends
/// (also when the request's future is dropped mid-flight); counts a failure unless it was
/// marked done.
struct FetchGuard<'a> {
    leases: &'a Leases,
    key: &'a str,
    params: &'a [Params],
    notify: Arc<Notify>,
    done: bool,
}

impl Drop for FetchGuard<'_> {
    fn drop(&mut self) {
        if !self.done {
            let now = self.leases.now_ms();
            let mut shard = self.leases.shard(self.key);
            let slot = shard.slot(self.key, self.params, self.leases.per_shard, now);
            slot.fetching = false;
            slot.failures += 1;
        }
        self.notify.notify_waiters();
    }
}

fn ttl_ms() -> i64 {
    i64::try_from(LEASE_TTL.as_millis()).unwrap_or(500)
}

fn batch_failed() -> redis::RedisError {
    redis::RedisError::from(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        "rate-limit batch request failed or timed out",
    ))
}

fn lock(shard: &Mutex<Shard>) -> MutexGuard<'_, Shard> {
    // A shard stays consistent even if a holder panicked (each update completes or not).
    shard.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ciel_domain::ratelimit::Window;

    fn cap(window: Window, max: u32) -> u32 {
        lease_cap(&gcra::params(&[Limit { window, max }]))
    }

    #[test]
    fn small_limits_are_decided_per_request() {
        for max in [0, 1, 5, 10, 30, 39] {
            assert_eq!(cap(Window::Hour, max), 1, "max {max}");
        }
        assert_eq!(cap(Window::Minute, 60), 3);
        assert_eq!(cap(Window::Hour, 1000), 50);
        assert_eq!(cap(Window::Minute, 1_000_000_000), MAX_LEASE);
        // The tightest limit of several decides.
        let both = gcra::params(&[
            Limit {
                window: Window::Hour,
                max: 20,
            },
            Limit {
                window: Window::Day,
                max: 10_000,
            },
        ]);
        assert_eq!(lease_cap(&both), 1);
    }

    #[test]
    fn batches_follow_the_pace() {
        assert_eq!(next_want(0, 0, 64), 1, "a new key takes one");
        // Spent at once: double, up to the cap.
        assert_eq!(next_want(1, 0, 64), 2);
        assert_eq!(next_want(8, 1, 64), 16);
        assert_eq!(next_want(48, 1, 64), 64);
        assert_eq!(next_want(2, 1, 3), 3);
        // One request every 400 ms: one at a time, nothing left to expire.
        assert_eq!(next_want(1, 400, 64), 1);
        // Ten a second: two per batch (spent in 200 ms of a 500 ms lease).
        assert_eq!(next_want(2, 200, 64), 2);
        // Expired unspent: smaller.
        assert_eq!(next_want(16, 2_000, 64), 2);
        assert_eq!(next_want(16, 60_000, 64), 1);
    }

    #[test]
    fn the_book_is_bounded() {
        let leases = Leases::with_max_keys(64);
        let params = gcra::params(&[Limit {
            window: Window::Hour,
            max: 1000,
        }]);
        for i in 0..5_000 {
            let key = format!("k{i}");
            let now = leases.now_ms();
            let mut shard = leases.shard(&key);
            let slot = shard.slot(&key, &params, leases.per_shard, now);
            slot.tokens = 3;
            slot.expires_ms = now + 60_000;
            drop(shard);
            assert!(leases.len() <= 64, "{} keys after {i}", leases.len());
        }
    }
}
