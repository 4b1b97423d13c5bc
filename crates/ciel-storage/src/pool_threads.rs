//! Pools of their own for the threads that serve requests, so that a connection's I/O runs on
//! the thread that uses it.
//!
//! A diesel-async connection is driven by a task spawned on the runtime that opened it. actix
//! serves requests on one single-threaded runtime per worker thread, so with one shared pool a
//! worker mostly gets connections driven by another thread (or by the main runtime, which
//! opens the first ones): every query then crosses threads twice — a wake-up to the driver's
//! thread to send, another back with the rows. Measured on feed misses, that hand-off cost
//! about a tenth of the API's CPU and added its scheduling delays to every query.
//!
//! A thread *adopts* the pool ([`ThreadPools::adopt`], called by each API worker as it starts):
//! it gets a bb8 pool of its own, built on its runtime, whose connections are opened and driven
//! there. Checkouts on that thread take from it; every other thread takes from the shared pool.
//! The budget holds: at most `thread_pools` threads adopt, each pool holds
//! `max_connections / (thread_pools + 1)` connections, the shared pool the rest — never more
//! than `max_connections` in all. A pool is dropped (its connections closed) when its thread
//! ends, which frees its place for another thread.

use crate::pool::{PoolSettings, build_bb8};
use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::thread::ThreadId;

type Manager = AsyncDieselConnectionManager<AsyncPgConnection>;

/// Fewest connections worth a pool of its own: with one, a worker's queries would queue behind
/// each other while the shared pool sat idle.
const MIN_THREAD_POOL: u32 = 2;

/// Told apart the registries of several `PgPool`s that one thread may use.
static NEXT_REGISTRY: AtomicU64 = AtomicU64::new(1);

/// How a process's connections are split between the adopting threads and the shared pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Split {
    /// Threads that may adopt (0: none).
    pub threads: u32,
    /// Connections of each adopting thread's pool.
    pub per_thread: u32,
    /// Connections of the shared pool.
    pub shared: u32,
}

impl Split {
    /// Splits `max` connections for `threads` adopting threads; none adopt when each would get
    /// fewer than [`MIN_THREAD_POOL`].
    pub fn of(max: u32, threads: u32) -> Self {
        let per_thread = max / threads.saturating_add(1);
        if threads == 0 || per_thread < MIN_THREAD_POOL {
            return Self {
                threads: 0,
                per_thread: 0,
                shared: max,
            };
        }
        Self {
            threads,
            per_thread,
            shared: max - per_thread * threads,
        }
    }
}

/// The adopted threads' pools of one `PgPool`.
pub(crate) struct ThreadPools {
    id: u64,
    url: String,
    settings: PoolSettings,
    split: Split,
    /// Every live thread pool (for the budget and for statistics).
    live: Mutex<Vec<(ThreadId, bb8::Pool<Manager>)>>,
    /// Checkout timeouts of the pools already closed, so the process's count never goes back.
    retired_timeouts: AtomicU64,
}

/// A thread's own pool, dropped with the thread (which removes it from its registry).
struct Own {
    registry: u64,
    thread: ThreadId,
    pool: bb8::Pool<Manager>,
    owner: Weak<ThreadPools>,
}

impl Drop for Own {
    fn drop(&mut self) {
        if let Some(registry) = self.owner.upgrade() {
            // Under the lock that statistics also read under: a scrape sees this pool's
            // timeouts either live or retired, never both or neither.
            let mut live = registry.lock_live();
            let timed_out = self.pool.state().statistics.get_timed_out;
            registry
                .retired_timeouts
                .fetch_add(timed_out, Ordering::Relaxed);
            live.retain(|(t, _)| *t != self.thread);
        }
    }
}

thread_local! {
    static OWN: RefCell<Vec<Own>> = const { RefCell::new(Vec::new()) };
}

impl ThreadPools {
    pub fn new(url: &str, settings: &PoolSettings, split: Split) -> Self {
        Self {
            id: NEXT_REGISTRY.fetch_add(1, Ordering::Relaxed),
            url: url.to_owned(),
            settings: settings.clone(),
            split,
            live: Mutex::new(Vec::new()),
            retired_timeouts: AtomicU64::new(0),
        }
    }

    fn lock_live(&self) -> std::sync::MutexGuard<'_, Vec<(ThreadId, bb8::Pool<Manager>)>> {
        self.live.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Gives the calling thread a pool of its own, opened on its runtime. `false` (and nothing
    /// changes) outside a Tokio runtime, when the thread already has one, or when every place
    /// is taken.
    pub fn adopt(self: &Arc<Self>) -> bool {
        if tokio::runtime::Handle::try_current().is_err() || self.own().is_some() {
            return false;
        }
        let pool = {
            let mut live = self.lock_live();
            if live.len() >= self.split.threads as usize {
                return false;
            }
            // Built here, on this thread's runtime: bb8 spawns its reaper and its connection
            // openers there, and each connection's driver runs where it was opened.
            let pool = build_bb8(&self.url, &self.settings, self.split.per_thread);
            live.push((std::thread::current().id(), pool.clone()));
            pool
        };
        OWN.with(|own| {
            own.borrow_mut().push(Own {
                registry: self.id,
                thread: std::thread::current().id(),
                pool,
                owner: Arc::downgrade(self),
            });
        });
        true
    }

    /// The calling thread's own pool, if it adopted one.
    pub fn own(&self) -> Option<bb8::Pool<Manager>> {
        OWN.with(|own| {
            own.borrow()
                .iter()
                .find(|o| o.registry == self.id)
                .map(|o| o.pool.clone())
        })
    }

    /// The live thread pools, and the checkout timeouts counted by thread pools closed since
    /// (for statistics; read together, so the count never goes back).
    pub fn pools(&self) -> (Vec<bb8::Pool<Manager>>, u64) {
        let live = self.lock_live();
        let pools = live.iter().map(|(_, p)| p.clone()).collect();
        (pools, self.retired_timeouts.load(Ordering::Relaxed))
    }

    pub fn split(&self) -> Split {
        self.split
    }
}

#[cfg(test)]
mod tests {
    use super::Split;

    #[test]
    fn the_split_never_exceeds_the_budget() {
        for max in 0..60 {
            for threads in 0..8 {
                let s = Split::of(max, threads);
                assert_eq!(
                    s.shared + s.per_thread * s.threads,
                    max,
                    "{max} / {threads}"
                );
                assert!(s.threads == 0 || s.per_thread >= 2, "{s:?}");
                assert!(s.threads == 0 || s.shared >= s.per_thread, "{s:?}");
            }
        }
    }

    #[test]
    fn small_budgets_stay_shared() {
        assert_eq!(
            Split::of(25, 2),
            Split {
                threads: 2,
                per_thread: 8,
                shared: 9
            }
        );
        assert_eq!(Split::of(5, 2).threads, 0);
        assert_eq!(Split::of(25, 0).shared, 25);
    }
}
