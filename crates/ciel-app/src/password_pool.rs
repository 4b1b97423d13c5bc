//! The bounded password-hashing pool: `permits` dedicated threads run Argon2, at most
//! `max_waiting` jobs queue for them, and the rest are turned away at once with a retry hint — a
//! login flood cannot take the CPU from other routes, nor grow memory without bound. Dedicated
//! threads (rather than the runtime's blocking pool, which rotates through many threads) also
//! bound the allocator: each hash needs 19 MiB, and only `permits` threads ever hold it.

use crate::password::{hash_password, verify_password};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// A PHC string that verifies nothing, with the same parameters as real hashes, so that an
/// unknown account costs the same time as a wrong password (no account enumeration).
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$cM6Rc3Jyt1gxQO6zMvrIDyJZmC1DTbx1CBRqGe9Ceis";

/// The pool refused or failed the work.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// Every thread is busy and the queue is full (or the wait ran out): retry later.
    #[error("password hashing is saturated")]
    Busy {
        /// Suggested wait before retrying.
        retry_after_secs: u64,
    },
    /// Hashing itself failed.
    #[error("{0}")]
    Failed(String),
}

type Job = Box<dyn FnOnce() + Send>;

/// A bounded pool for Argon2 work. Cloning shares the pool; its threads end when the last
/// clone is dropped.
#[derive(Clone, Debug)]
pub struct PasswordPool {
    jobs: mpsc::Sender<Job>,
    size: usize,
    max_wait: Duration,
}

impl PasswordPool {
    /// A pool of `permits` hashing threads with a queue of `max_waiting` jobs (at least one),
    /// each caller waiting at most `max_wait` for a thread to take its job.
    pub fn new(permits: usize, max_waiting: usize, max_wait: Duration) -> Self {
        let size = permits.max(1);
        let (jobs, queue) = mpsc::channel::<Job>(max_waiting.max(1));
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..size {
            let queue = Arc::clone(&queue);
            let spawned = std::thread::Builder::new()
                .name(format!("ciel-argon2-{i}"))
                .spawn(move || {
                    loop {
                        // One thread waits for the next job while the others hash.
                        let job = match queue.lock() {
                            Ok(mut q) => q.blocking_recv(),
                            Err(_) => None,
                        };
                        match job {
                            Some(job) => job(),
                            None => break,
                        }
                    }
                });
            if let Err(err) = spawned {
                tracing::error!(error = %err, "could not start a password hashing thread");
            }
        }
        Self {
            jobs,
            size,
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
        let busy = || PoolError::Busy {
            retry_after_secs: 1,
        };
        let (started, on_start) = oneshot::channel::<()>();
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            // A caller that gave up waiting for a thread does not get work done for it.
            if started.send(()).is_ok() {
                let _ = done.send(work());
            }
        });
        self.jobs.try_send(job).map_err(|_| busy())?;
        // Bound the wait for a thread, not the hashing itself.
        match tokio::time::timeout(self.max_wait, on_start).await {
            Ok(Ok(())) => {}
            Ok(Err(_)) => return Err(PoolError::Failed("hashing thread stopped".into())),
            Err(_) => return Err(busy()),
        }
        result
            .await
            .map_err(|_| PoolError::Failed("hashing thread stopped".into()))
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
        // The fastest of a few runs of each, so that a busy machine does not decide the result.
        let mut real = Duration::MAX;
        let mut dummy = Duration::MAX;
        for _ in 0..3 {
            let t = Instant::now();
            pool.verify("wrong".into(), Some(hash.clone()))
                .await
                .unwrap();
            real = real.min(t.elapsed());
            let t = Instant::now();
            pool.verify("wrong".into(), None).await.unwrap();
            dummy = dummy.min(t.elapsed());
        }
        let ratio = dummy.as_secs_f64() / real.as_secs_f64();
        assert!(
            (0.5..2.0).contains(&ratio),
            "real {real:?} vs dummy {dummy:?}"
        );
        assert!(DUMMY_HASH.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    }

    /// Occupies the pool's only thread until the returned sender is used, so that the queue's
    /// state is deterministic; returns once the thread is busy.
    async fn hold_the_thread(
        pool: &PasswordPool,
    ) -> (
        std::sync::mpsc::Sender<()>,
        tokio::task::JoinHandle<Result<(), PoolError>>,
    ) {
        let (release, held) = std::sync::mpsc::channel::<()>();
        let (started_tx, started) = std::sync::mpsc::channel::<()>();
        let holder = {
            let pool = pool.clone();
            tokio::spawn(async move {
                pool.run(move || {
                    started_tx.send(()).unwrap();
                    held.recv().unwrap();
                })
                .await
            })
        };
        tokio::task::spawn_blocking(move || started.recv().unwrap())
            .await
            .unwrap();
        (release, holder)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_flood_beyond_the_queue_is_turned_away_fast() {
        let pool = PasswordPool::new(1, 2, Duration::from_secs(30));
        let (release, holder) = hold_the_thread(&pool).await;

        // Two callers fit in the queue...
        let queued: Vec<_> = (0..2)
            .map(|_| {
                let pool = pool.clone();
                tokio::spawn(async move { pool.run(|| 7).await })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(50)).await;
        // ...everyone else is refused at once.
        let started = Instant::now();
        for _ in 0..9 {
            assert!(matches!(
                pool.run(|| 7).await,
                Err(PoolError::Busy {
                    retry_after_secs: 1
                })
            ));
        }
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "refusals do not wait"
        );

        release.send(()).unwrap();
        holder.await.unwrap().unwrap();
        for q in queued {
            assert_eq!(q.await.unwrap().unwrap(), 7, "queued callers are served");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn waiting_longer_than_allowed_is_busy_and_the_job_is_dropped() {
        let pool = PasswordPool::new(1, 8, Duration::from_millis(20));
        let (release, holder) = hold_the_thread(&pool).await;

        let ran = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = ran.clone();
        let waited = pool
            .run(move || flag.store(true, std::sync::atomic::Ordering::SeqCst))
            .await;
        assert!(matches!(waited, Err(PoolError::Busy { .. })), "{waited:?}");

        release.send(()).unwrap();
        holder.await.unwrap().unwrap();
        // The next job runs after the abandoned one would have: it was skipped.
        assert_eq!(pool.run(|| 1).await.unwrap(), 1);
        assert!(
            !ran.load(std::sync::atomic::Ordering::SeqCst),
            "abandoned work is not done"
        );
    }
}
