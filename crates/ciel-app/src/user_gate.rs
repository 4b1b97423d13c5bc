//! What every bearer request needs before its handler — is the user still active, and at which
//! trust level — served from a short-lived, bounded in-process cache, so that a request whose
//! handler needs no database touches none.
//!
//! Entries live `ttl` (5 s in production). This instance forgets a user at once when it bans,
//! deletes or moderates them; other instances see the change within `ttl`. A read that started
//! before a forget never stores its (possibly stale) result: every forget moves an epoch, and a
//! result is stored only if the epoch has not moved since its read began.
//!
//! # Example
//!
//! ```
//! use ciel_app::UserGate;
//! use ciel_domain::UserId;
//! use ciel_domain::trust::TrustLevel;
//! use std::time::Duration;
//!
//! let gate = UserGate::new(Duration::from_secs(5), 1000);
//! let ann = UserId::generate();
//! let epoch = gate.epoch();
//! gate.store_active(ann, epoch, true);
//! gate.store_level(ann, epoch, TrustLevel::Basic);
//! assert_eq!((gate.active(ann), gate.level(ann)), (Some(true), Some(TrustLevel::Basic)));
//!
//! // A ban forgets her at once; a read that began before the forget is not stored.
//! let before = gate.epoch();
//! gate.forget(ann);
//! gate.store_active(ann, before, true);
//! assert_eq!(gate.active(ann), None, "the next request asks the database");
//! assert_eq!(UserGate::disabled().active(ann), None);
//! ```

use ciel_domain::UserId;
use ciel_domain::trust::TrustLevel;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::time::Instant;

const SHARDS: usize = 16;

/// What is known of one user, and since when.
#[derive(Clone, Copy, Debug)]
struct Entry {
    at: Instant,
    active: Option<bool>,
    level: Option<TrustLevel>,
}

struct Inner {
    shards: Box<[Mutex<HashMap<UserId, Entry>>]>,
    per_shard: usize,
    ttl: Duration,
    epoch: AtomicU64,
}

/// The cache; cloning shares it. A zero `ttl` caches nothing.
#[derive(Clone)]
pub struct UserGate {
    inner: Arc<Inner>,
}

/// The epoch a read began in; pass it back when storing the read's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Epoch(u64);

impl std::fmt::Debug for UserGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserGate")
            .field("ttl", &self.inner.ttl)
            .finish_non_exhaustive()
    }
}

impl UserGate {
    /// A cache keeping entries `ttl` and at most about `max_users` users.
    pub fn new(ttl: Duration, max_users: usize) -> Self {
        let max_users = max_users.max(1);
        let shards = SHARDS.min(max_users);
        Self {
            inner: Arc::new(Inner {
                shards: (0..shards).map(|_| Mutex::new(HashMap::new())).collect(),
                per_shard: max_users / shards,
                ttl,
                epoch: AtomicU64::new(0),
            }),
        }
    }

    /// A cache that keeps nothing: every question goes to the database.
    pub fn disabled() -> Self {
        Self::new(Duration::ZERO, 1)
    }

    fn shard(&self, user: UserId) -> MutexGuard<'_, HashMap<UserId, Entry>> {
        let index = (user.as_uuid().as_u128() % self.inner.shards.len() as u128) as usize;
        self.inner.shards[index]
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    fn fresh(&self, user: UserId) -> Option<Entry> {
        if self.inner.ttl.is_zero() {
            return None;
        }
        let entry = *self.shard(user).get(&user)?;
        (entry.at.elapsed() < self.inner.ttl).then_some(entry)
    }

    /// Whether `user` is active (exists, not deleted, not banned), if known and fresh.
    pub fn active(&self, user: UserId) -> Option<bool> {
        self.fresh(user)?.active
    }

    /// The trust level of `user`, if known and fresh.
    pub fn level(&self, user: UserId) -> Option<TrustLevel> {
        self.fresh(user)?.level
    }

    /// The current epoch: take it before reading what you will store.
    pub fn epoch(&self) -> Epoch {
        Epoch(self.inner.epoch.load(Ordering::Acquire))
    }

    /// Stores whether `user` is active, read in `epoch`.
    pub fn store_active(&self, user: UserId, epoch: Epoch, active: bool) {
        self.store(user, epoch, |e| e.active = Some(active));
    }

    /// Stores the trust level of `user`, read in `epoch`.
    pub fn store_level(&self, user: UserId, epoch: Epoch, level: TrustLevel) {
        self.store(user, epoch, |e| e.level = Some(level));
    }

    fn store(&self, user: UserId, epoch: Epoch, set: impl FnOnce(&mut Entry)) {
        if self.inner.ttl.is_zero() {
            return;
        }
        let now = Instant::now();
        let mut shard = self.shard(user);
        // Checked under the shard lock: a forget moves the epoch before taking it.
        if self.epoch() != epoch {
            return;
        }
        let ttl = self.inner.ttl;
        let fresh = |e: &Entry| now.duration_since(e.at) < ttl;
        match shard.get_mut(&user) {
            Some(entry) if fresh(entry) => set(entry),
            _ => {
                if shard.len() >= self.inner.per_shard && !shard.contains_key(&user) {
                    shard.retain(|_, e| fresh(e));
                    if shard.len() >= self.inner.per_shard {
                        let oldest = shard.iter().min_by_key(|(_, e)| e.at).map(|(u, _)| *u);
                        if let Some(oldest) = oldest {
                            shard.remove(&oldest);
                        }
                    }
                }
                let mut entry = Entry {
                    at: now,
                    active: None,
                    level: None,
                };
                set(&mut entry);
                shard.insert(user, entry);
            }
        }
    }

    /// Forgets `user` at once (ban, deletion, trust change on this instance).
    pub fn forget(&self, user: UserId) {
        self.inner.epoch.fetch_add(1, Ordering::AcqRel);
        self.shard(user).remove(&user);
    }

    /// Forgets everyone (a moderation action whose target is not known here).
    pub fn forget_all(&self) {
        self.inner.epoch.fetch_add(1, Ordering::AcqRel);
        for shard in self.inner.shards.iter() {
            shard.lock().unwrap_or_else(|e| e.into_inner()).clear();
        }
    }

    /// Users currently held (fresh or not yet dropped).
    pub fn len(&self) -> usize {
        self.inner
            .shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|e| e.into_inner()).len())
            .sum()
    }

    /// Whether no user is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(n: u128) -> UserId {
        UserId::from(uuid::Uuid::from_u128(n))
    }

    #[tokio::test(start_paused = true)]
    async fn entries_are_served_until_the_ttl_then_forgotten() {
        let gate = UserGate::new(Duration::from_secs(5), 100);
        let u = user(1);
        assert_eq!(gate.active(u), None);
        gate.store_active(u, gate.epoch(), true);
        gate.store_level(u, gate.epoch(), TrustLevel::Basic);
        assert_eq!(gate.active(u), Some(true));
        assert_eq!(gate.level(u), Some(TrustLevel::Basic));
        tokio::time::advance(Duration::from_millis(4_999)).await;
        assert_eq!(gate.active(u), Some(true), "still fresh");
        tokio::time::advance(Duration::from_millis(1)).await;
        assert_eq!(gate.active(u), None, "expired at the ttl");
        assert_eq!(gate.level(u), None);
    }

    #[tokio::test(start_paused = true)]
    async fn forgetting_is_immediate_and_beats_reads_in_flight() {
        let gate = UserGate::new(Duration::from_secs(5), 100);
        let (a, b) = (user(1), user(2));
        gate.store_active(a, gate.epoch(), true);
        gate.store_active(b, gate.epoch(), true);
        gate.forget(a);
        assert_eq!(gate.active(a), None);
        assert_eq!(gate.active(b), Some(true));
        // A read that began before a forget does not store its stale answer.
        let before = gate.epoch();
        gate.forget(a);
        gate.store_active(a, before, true);
        assert_eq!(gate.active(a), None);
        gate.forget_all();
        assert_eq!(gate.active(b), None);
        assert!(gate.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn the_size_is_bounded() {
        let gate = UserGate::new(Duration::from_secs(5), 32);
        for n in 0..1_000 {
            gate.store_active(user(n), gate.epoch(), true);
            assert!(gate.len() <= 32);
        }
        let off = UserGate::disabled();
        off.store_active(user(1), off.epoch(), true);
        assert_eq!(off.active(user(1)), None);
        assert!(off.is_empty());
    }
}
