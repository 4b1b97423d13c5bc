//! The bounded password-hashing pool: `permits` dedicated threads run Argon2, at most
//! `max_waiting` jobs queue for them, and the rest are turned away at once with a retry hint — a
//! login flood cannot take the CPU from other routes, nor grow memory without bound. Dedicated
//! threads (rather than the runtime's blocking pool, which rotates through many threads) also
//! bound the allocator: each hash needs 19 MiB, and only `permits` threads ever hold it.
//!
//! The threads run at a lower scheduling priority than the request threads (nice +10 on
//! Linux), so they may number as many as the cores: hashing takes the CPU the rest of the
//! server leaves idle, and reads keep theirs.
//!
//! A caller can [`reserve`](PasswordPool::reserve) its place first and do its other work (a
//! database read) only once it knows the pool will take the job: a refused login costs no query.
//!
//! # Example
//!
//! A login reserves its place before reading credentials; a full pool refuses at once:
//!
//! ```
//! use ciel_app::password_pool::PasswordPool;
//! use std::time::Duration;
//!
//! // One hashing thread and a queue of one place.
//! let pool = PasswordPool::new(1, 0, Duration::from_millis(50));
//! assert_eq!(pool.permits(), 1);
//! let first = pool.reserve().expect("the queue has room");
//! assert!(pool.reserve().is_err(), "busy: 503 with Retry-After, no query made");
//! drop(first);
//! assert!(pool.reserve().is_ok(), "a dropped reservation frees its place");
//! ```

use crate::password::{hash_password, verify_password};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// How much lower than the request threads the hashing threads are scheduled (nice value).
const HASHING_NICENESS: i32 = 10;

/// How long a refused caller waits before its refusal is answered. The request threads outrank
/// the hashing threads, so clients that retry a refusal at once (as load generators and naive
/// apps do) would otherwise turn the spare CPU into thousands of refusals a second and starve
/// the hashes that free the queue (measured: 32 connections of logins fell to 0.64× the raw
/// Argon2 rate behind 2,000 refusals/s). The pause costs a timer, no CPU.
pub const REFUSAL_PAUSE: Duration = Duration::from_millis(250);

/// Lowers the calling thread's scheduling priority by [`HASHING_NICENESS`]. On Linux a nice
/// value set through the thread id applies to that thread only.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn lower_this_threads_priority() {
    // SAFETY: `gettid` has no preconditions; `setpriority` only reads its integer arguments
    // and reports failure through its return value.
    let result = unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, HASHING_NICENESS)
    };
    if result != 0 {
        tracing::warn!(
            error = %std::io::Error::last_os_error(),
            "could not lower a hashing thread's priority; it competes with request threads"
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_this_threads_priority() {}

/// The current thread's nice value (Linux), for tests and diagnostics.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
pub fn current_thread_niceness() -> i32 {
    // SAFETY: as above; `getpriority` only reads its integer arguments.
    unsafe {
        let tid = libc::gettid();
        libc::getpriority(libc::PRIO_PROCESS, tid as libc::id_t)
    }
}

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
    refusal_pause: Duration,
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
                    lower_this_threads_priority();
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
            refusal_pause: REFUSAL_PAUSE,
        }
    }

    /// The same pool answering refusals from [`reserve_or_pause`](Self::reserve_or_pause)
    /// after `pause` instead of [`REFUSAL_PAUSE`].
    pub fn with_refusal_pause(mut self, pause: Duration) -> Self {
        self.refusal_pause = pause;
        self
    }

    /// The default size: one thread per available core (they run at a lower priority than
    /// the request threads).
    pub fn default_permits() -> usize {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .max(1)
    }

    /// How many hashes may run at once.
    pub fn permits(&self) -> usize {
        self.size
    }

    /// Reserves a place in the queue, or refuses at once when the pool is saturated.
    pub fn reserve(&self) -> Result<Reservation, PoolError> {
        let permit = self.jobs.clone().try_reserve_owned().map_err(|_| busy())?;
        Ok(Reservation {
            permit,
            max_wait: self.max_wait,
        })
    }

    /// [`reserve`](Self::reserve), but a refusal is returned only after the refusal pause, so a
    /// caller that retries at once cannot spin: what request handlers use.
    pub async fn reserve_or_pause(&self) -> Result<Reservation, PoolError> {
        match self.reserve() {
            Ok(place) => Ok(place),
            Err(refused) => {
                tokio::time::sleep(self.refusal_pause).await;
                Err(refused)
            }
        }
    }

    #[cfg(test)]
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PoolError> {
        self.reserve()?.run(work).await
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: String) -> Result<String, PoolError> {
        self.reserve_or_pause().await?.hash(password).await
    }

    /// Verifies `password` against `hash`; with no hash (unknown account, or an account without
    /// a password) it verifies against a dummy hash and answers `false`, taking the same time.
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, PoolError> {
        self.reserve_or_pause().await?.verify(password, hash).await
    }
}

fn busy() -> PoolError {
    PoolError::Busy {
        retry_after_secs: 1,
    }
}

/// A place in the pool's queue, held until the job is handed over (dropping it frees the
/// place).
#[derive(Debug)]
pub struct Reservation {
    permit: mpsc::OwnedPermit<Job>,
    max_wait: Duration,
}

impl Reservation {
    async fn run<T: Send + 'static>(
        self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PoolError> {
        let (started, on_start) = oneshot::channel::<()>();
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            // A caller that gave up waiting for a thread does not get work done for it.
            if started.send(()).is_ok() {
                let _ = done.send(work());
            }
        });
        self.permit.send(job);
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

    /// Hashes a new password in the reserved place.
    pub async fn hash(self, password: String) -> Result<String, PoolError> {
        self.run(move || hash_password(&password))
            .await?
            .map_err(|e| PoolError::Failed(e.to_string()))
    }

    /// [`PasswordPool::verify`] in the reserved place.
    pub async fn verify(self, password: String, hash: Option<String>) -> Result<bool, PoolError> {
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

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn hashing_threads_run_at_a_lower_priority() {
        let pool = PasswordPool::new(1, 4, Duration::from_secs(10));
        let mine = current_thread_niceness();
        let theirs = pool.run(current_thread_niceness).await.unwrap();
        assert_eq!(theirs, (mine + HASHING_NICENESS).min(19));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_reservation_holds_a_place_and_refusals_come_before_any_work() {
        let pool = PasswordPool::new(1, 1, Duration::from_secs(30));
        let (release, holder) = hold_the_thread(&pool).await;
        // The one queue place is taken by a reservation: the next caller is refused at once.
        let place = pool.reserve().unwrap();
        assert!(matches!(pool.reserve(), Err(PoolError::Busy { .. })));
        // Dropping an unused reservation gives the place back.
        drop(place);
        let place = pool.reserve().unwrap();
        release.send(()).unwrap();
        holder.await.unwrap().unwrap();
        assert!(!place.verify("x".into(), None).await.unwrap());
    }

    /// A refusal is answered after the pause, not at once, and the pause holds no place.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn refusals_wait_the_pause_before_answering() {
        let pool = PasswordPool::new(1, 1, Duration::from_secs(30))
            .with_refusal_pause(Duration::from_millis(300));
        let (release, holder) = hold_the_thread(&pool).await;
        let place = pool.reserve().unwrap();
        let asked = tokio::time::Instant::now();
        assert!(matches!(
            pool.reserve_or_pause().await,
            Err(PoolError::Busy { .. })
        ));
        assert!(asked.elapsed() >= Duration::from_millis(300));
        drop(place);
        assert!(
            pool.reserve_or_pause().await.is_ok(),
            "a free place is not paused"
        );
        release.send(()).unwrap();
        holder.await.unwrap().unwrap();
    }

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
        // Argon2's cost is fixed by its algorithm, version, parameters and output length, not
        // by the password or salt: a dummy hash that matches a real one in all of them costs
        // exactly the same work (measuring the time would only compare two noisy samples).
        let pool = PasswordPool::new(1, 4, Duration::from_secs(10));
        let real = pool.hash("Secret123".into()).await.unwrap();
        let shape = |phc: &str| {
            let parts: Vec<String> = phc.split('$').map(str::to_owned).collect();
            assert_eq!(parts.len(), 6, "{phc}");
            // "", algorithm, version, parameters, then salt and output lengths.
            (parts[..4].to_vec(), parts[4].len(), parts[5].len())
        };
        assert_eq!(shape(DUMMY_HASH), shape(&real));
        assert!(DUMMY_HASH.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        // And the dummy really is verified (a well-formed hash no password matches).
        assert!(!verify_password("Secret123", DUMMY_HASH));
        assert!(crate::password::verify_password("Secret123", &real));
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

        // Two callers fit in the queue (their places are taken before they are spawned, so
        // the queue's state is known without waiting for the tasks)...
        let queued: Vec<_> = (0..2)
            .map(|_| {
                let place = pool.reserve().expect("a place in the queue");
                tokio::spawn(async move { place.run(|| 7).await })
            })
            .collect();
        // ...everyone else is refused at once: `reserve` does not wait (it is not async), and
        // `run` refuses through it before awaiting anything.
        for _ in 0..9 {
            assert!(matches!(
                pool.reserve(),
                Err(PoolError::Busy {
                    retry_after_secs: 1
                })
            ));
            assert!(matches!(pool.run(|| 7).await, Err(PoolError::Busy { .. })));
        }

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
