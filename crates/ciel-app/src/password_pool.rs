//! The bounded password-hashing pool: at most `permits` Argon2 computations run at once on
//! blocking threads, at most `max_waiting` callers queue for a permit, and the rest are turned
//! away at once with a retry hint — a login flood cannot take the CPU from other routes, nor
//! grow memory without bound (each hash holds 19 MiB).

use crate::password::{hash_password, verify_password};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::Semaphore;

/// A PHC string that verifies nothing, with the same parameters as real hashes, so that an
/// unknown account costs the same time as a wrong password (no account enumeration).
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$cM6Rc3Jyt1gxQO6zMvrIDyJZmC1DTbx1CBRqGe9Ceis";

/// The pool refused or failed the work.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// Every permit is taken and the queue is full (or the wait ran out): retry later.
    #[error("password hashing is saturated")]
    Busy {
        /// Suggested wait before retrying.
        retry_after_secs: u64,
    },
    /// Hashing itself failed.
    #[error("{0}")]
    Failed(String),
}

/// A bounded pool for Argon2 work.
#[derive(Clone, Debug)]
pub struct PasswordPool {
    permits: Arc<Semaphore>,
    size: usize,
    waiting: Arc<AtomicUsize>,
    max_waiting: usize,
    max_wait: Duration,
}

struct WaitSlot<'a>(&'a AtomicUsize);

impl Drop for WaitSlot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl PasswordPool {
    /// A pool of `permits` concurrent hashes with a queue of `max_waiting` callers, each waiting
    /// at most `max_wait`.
    pub fn new(permits: usize, max_waiting: usize, max_wait: Duration) -> Self {
        let permits = permits.max(1);
        Self {
            permits: Arc::new(Semaphore::new(permits)),
            size: permits,
            waiting: Arc::new(AtomicUsize::new(0)),
            max_waiting,
            max_wait,
        }
    }

    /// The default size: one less than the available cores, at least one.
    pub fn default_permits() -> usize {
        std::thread::available_parallelism()
            .map(|n| n.get().saturating_sub(1))
            .unwrap_or(1)
            .max(1)
    }

    /// How many hashes may run at once.
    pub fn permits(&self) -> usize {
        self.size
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PoolError> {
        let busy = PoolError::Busy {
            retry_after_secs: 1,
        };
        // Join the queue only if there is room in it.
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.max_waiting + self.size {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(busy);
        }
        let _slot = WaitSlot(&self.waiting);
        let permit =
            match tokio::time::timeout(self.max_wait, self.permits.clone().acquire_owned()).await {
                Ok(Ok(permit)) => permit,
                _ => return Err(busy),
            };
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|e| PoolError::Failed(format!("hashing task failed: {e}")))
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: String) -> Result<String, PoolError> {
        self.run(move || hash_password(&password))
            .await?
            .map_err(|e| PoolError::Failed(e.to_string()))
    }

    /// Verifies `password` against `hash`; with no hash (unknown account, or an account without
    /// a password) it verifies against a dummy hash and answers `false`, taking the same time.
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, PoolError> {
        self.run(move || match hash.as_deref() {
            Some(h) if !h.is_empty() => verify_password(&password, h),
            _ => {
                let _ = verify_password(&password, DUMMY_HASH);
                false
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[tokio::test]
    async fn hashes_and_verifies() {
        let pool = PasswordPool::new(1, 4, Duration::from_secs(10));
        let hash = pool.hash("Secret123".into()).await.unwrap();
        assert!(
            pool.verify("Secret123".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(!pool.verify("Secret124".into(), Some(hash)).await.unwrap());
        assert!(!pool.verify("Secret123".into(), None).await.unwrap());
        assert!(
            !pool
                .verify("Secret123".into(), Some(String::new()))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn the_dummy_hash_costs_what_a_real_one_costs() {
        let pool = PasswordPool::new(1, 4, Duration::from_secs(10));
        let hash = pool.hash("Secret123".into()).await.unwrap();
        let t = Instant::now();
        pool.verify("wrong".into(), Some(hash)).await.unwrap();
        let real = t.elapsed();
        let t = Instant::now();
        pool.verify("wrong".into(), None).await.unwrap();
        let dummy = t.elapsed();
        let ratio = dummy.as_secs_f64() / real.as_secs_f64();
        assert!(
            (0.5..2.0).contains(&ratio),
            "real {real:?} vs dummy {dummy:?}"
        );
        assert!(DUMMY_HASH.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_flood_beyond_the_queue_is_turned_away_fast() {
        let pool = PasswordPool::new(1, 2, Duration::from_secs(30));
        let hash = pool.hash("Secret123".into()).await.unwrap();
        let started = Instant::now();
        let tasks: Vec<_> = (0..12)
            .map(|_| {
                let pool = pool.clone();
                let hash = hash.clone();
                tokio::spawn(async move { pool.verify("Secret123".into(), Some(hash)).await })
            })
            .collect();
        let mut ok = 0;
        let mut busy = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(true) => ok += 1,
                Err(PoolError::Busy { retry_after_secs }) => {
                    assert_eq!(retry_after_secs, 1);
                    busy += 1;
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        // 1 running + 2 queued are served; the other 9 are refused at once.
        assert_eq!((ok, busy), (3, 9));
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn waiting_longer_than_allowed_is_busy() {
        let pool = PasswordPool::new(1, 8, Duration::from_millis(1));
        let hash = pool.hash("Secret123".into()).await.unwrap();
        let a = {
            let (pool, hash) = (pool.clone(), hash.clone());
            tokio::spawn(async move { pool.verify("x".into(), Some(hash)).await })
        };
        tokio::time::sleep(Duration::from_millis(5)).await;
        let b = pool.verify("x".into(), Some(hash)).await;
        assert!(matches!(b, Err(PoolError::Busy { .. })), "{b:?}");
        assert!(a.await.unwrap().is_ok());
    }
}
