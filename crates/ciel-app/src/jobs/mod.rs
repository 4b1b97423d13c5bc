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
//! three strikes), delete invalid invite codes that expired more than 30 days ago, and
//! re-enqueue uploads stuck in `uploaded`/`processing` for 15 minutes (through the outbox). Time
//! comes from the injected [`ciel_domain::ports::Clock`].

mod runner;
mod steps;

pub use runner::{JobRunner, RunOutcome, RunReport};

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
}

impl CleanupJob {
    /// Every step, in the order a run executes them.
    pub const ALL: [CleanupJob; 4] = [
        Self::Stories,
        Self::AccountAges,
        Self::Invites,
        Self::StaleUploads,
    ];

    /// The metric label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Stories => "stories",
            Self::AccountAges => "account_ages",
            Self::Invites => "invites",
            Self::StaleUploads => "stale_uploads",
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
