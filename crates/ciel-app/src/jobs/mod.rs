//! The scheduled cleanup jobs (contract §3.3, §3.5, §3.6, §5): one runner, started by the
//! `api`, `combined` and `worker` processes, that runs at start and then hourly. Each run is
//! executed by a single instance across all of them — the one that takes the maintenance lock
//! for the run (a transaction-scoped Postgres advisory lock, so it is released even when the
//! process dies) — and every step is idempotent, so a run on another instance an hour later
//! (or a retried run) does no harm.
//!
//! The steps: purge stories that expired more than 48 h ago, refresh `account_age_days` and
//! recalculate the trust levels of the accounts whose age changed (with the domain's
//! [`ciel_domain::trust::TrustRecord::recalculate_level`], which keeps Verified and forces New at
//! three strikes), delete invalid invite codes that expired more than 30 days ago,
//! re-enqueue uploads stuck in `uploaded`/`processing` for 15 minutes (through the outbox), and
//! repair the stored followee heads of the follows created in the last 3 hours, and trim each
//! user's materialised home timeline to the rows it keeps (the home feed's first page reads
//! them; see `docs/ARCHITECTURE.md`, *Home feed*). Time comes from the injected
//! [`ciel_domain::ports::Clock`].
//!
//! # Example
//!
//! A run that cannot take the maintenance lock's connection reports an error and runs no step:
//!
//! ```
//! # use ciel_app::{AvatarUrls, CoreDeps, MediaUrls, SystemClock};
//! # use ciel_domain::ports::{RepoError, TxAbort, TxWork, UnitOfWork};
//! # use std::sync::Arc;
//! # /// A unit of work whose pool never has a connection to lend (see `ciel_app::tx`).
//! # struct Busy;
//! # #[async_trait::async_trait]
//! # impl UnitOfWork for Busy {
//! #     async fn transaction(&self, _: TxWork) -> Result<(), TxAbort> {
//! #         Err(RepoError::Busy("pool timed out".into()).into())
//! #     }
//! #     async fn connection(&self, _: TxWork) -> Result<(), TxAbort> {
//! #         Err(RepoError::Busy("pool timed out".into()).into())
//! #     }
//! # }
//! # fn deps() -> CoreDeps {
//! #     CoreDeps {
//! #         uow: Arc::new(Busy),
//! #         cache: None,
//! #         store: None,
//! #         avatars: AvatarUrls::new(None, None),
//! #         media_urls: MediaUrls::new(None),
//! #         clock: Arc::new(SystemClock),
//! #         cards: ciel_app::feed::PostCards::disabled(),
//! #     }
//! # }
//! # let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! use ciel_app::AppError;
//! use ciel_app::jobs::{CleanupJob, JobObserver, JobRunner};
//! use std::sync::Mutex;
//!
//! #[derive(Default)]
//! struct Steps(Mutex<Vec<CleanupJob>>);
//! impl JobObserver for Steps {
//!     fn ran(&self, job: CleanupJob) {
//!         self.0.lock().unwrap().push(job);
//!     }
//!     fn failed(&self, _: CleanupJob) {}
//! }
//! let steps = Arc::new(Steps::default());
//! let runner = JobRunner::new(Arc::new(Busy), Arc::new(SystemClock), steps.clone());
//! let run = rt.block_on(runner.run_once());
//! assert!(matches!(run, Err(AppError::Unavailable { .. })), "{run:?}");
//! assert!(steps.0.lock().unwrap().is_empty());
//! assert_eq!(CleanupJob::ALL.len(), 6);
//! ```

mod runner;
mod steps;

pub use runner::{JobRunner, RunOutcome, RunReport};
pub use steps::HEAD_REPAIR_WINDOW;

/// A cleanup step, as counted in `cleanup_runs_total{job}` / `cleanup_failures_total{job}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CleanupJob {
    /// Purge stories expired more than 48 h ago (§3.3).
    Stories,
    /// Refresh account ages, then recalculate trust levels (§3.5).
    AccountAges,
    /// Delete invalid invite codes expired more than 30 days ago (§3.6).
    Invites,
    /// Re-enqueue up to 100 uploads stuck in `uploaded`/`processing` for 15 min (§3.9).
    StaleUploads,
    /// Set the stored followee head of recent follows that differs from the followee's newest
    /// post time (the home feed's first page).
    FeedHeads,
    /// Trim each user's home timeline to the rows it keeps (the home feed's first page).
    HomeTimelines,
}

impl CleanupJob {
    /// Every step, in the order a run executes them.
    pub const ALL: [CleanupJob; 6] = [
        Self::Stories,
        Self::AccountAges,
        Self::Invites,
        Self::StaleUploads,
        Self::FeedHeads,
        Self::HomeTimelines,
    ];

    /// The metric label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Stories => "stories",
            Self::AccountAges => "account_ages",
            Self::Invites => "invites",
            Self::StaleUploads => "stale_uploads",
            Self::FeedHeads => "feed_heads",
            Self::HomeTimelines => "home_timelines",
        }
    }
}

/// Told about every step a run executes (the runtime counts them in Prometheus).
pub trait JobObserver: Send + Sync + 'static {
    /// `job` was executed (whether it succeeded or not).
    fn ran(&self, job: CleanupJob);
    /// `job` failed (after [`JobObserver::ran`]).
    fn failed(&self, job: CleanupJob);
}
