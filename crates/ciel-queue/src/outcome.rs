//! What a job handler says about a job, and what the consumer then did with the message
//! (reported per message so that the caller can record metrics without this crate knowing
//! about Prometheus).

use crate::message::DecodeError;
use ciel_domain::ids::UploadId;
use std::time::Duration;

/// The handler's verdict on one job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobOutcome {
    /// Processed (or found already processed): acknowledge.
    Done,
    /// Can never succeed (bad image, unsupported type); the handler recorded the failure:
    /// acknowledge.
    PermanentFailure,
    /// Failed for a reason that may pass (storage, network, database): retry after a back-off,
    /// dead-letter once the attempts are used up.
    Retry,
}

/// Why a message went to the dead-letter queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeadLetterReason {
    /// Not a media job this code can read (poison): dead-lettered without calling the handler.
    Undecodable(DecodeError),
    /// The handler asked for a retry on the last allowed attempt.
    RetriesExhausted {
        /// Attempts made.
        attempts: u32,
    },
}

/// What the consumer did with one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disposition {
    /// The handler returned [`JobOutcome::Done`]; acknowledged.
    Completed,
    /// The handler returned [`JobOutcome::PermanentFailure`]; acknowledged.
    FailedPermanent,
    /// The handler returned [`JobOutcome::Retry`] (or panicked); the job waits in the retry
    /// queue and comes back as attempt `attempt + 1` after `delay`.
    Retried {
        /// The attempt that failed (1-based).
        attempt: u32,
        /// The back-off before the next attempt.
        delay: Duration,
    },
    /// Moved to the dead-letter queue.
    DeadLettered(DeadLetterReason),
}

impl Disposition {
    /// The `outcome` label of the `media_jobs_total` metric (DESIGN §5).
    pub fn metric_label(&self) -> &'static str {
        match self {
            Self::Completed => "completed",
            Self::FailedPermanent => "failed_permanent",
            Self::Retried { .. } => "retried",
            Self::DeadLettered(_) => "dead_lettered",
        }
    }
}

/// One message handled by the consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Processed {
    /// The job's upload (absent when the message could not be decoded).
    pub upload_id: Option<UploadId>,
    /// Which attempt this delivery was (1-based).
    pub attempt: u32,
    /// What happened to the message.
    pub disposition: Disposition,
    /// How long the handler ran (absent when it was not called).
    pub handler_duration: Option<Duration>,
}

/// Totals of one [`MediaConsumer::run`](crate::MediaConsumer::run).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RunSummary {
    /// Messages completed.
    pub completed: u64,
    /// Messages that failed permanently.
    pub failed_permanent: u64,
    /// Messages sent to the retry queue.
    pub retried: u64,
    /// Messages dead-lettered (poison or retries exhausted).
    pub dead_lettered: u64,
    /// Times the broker connection failed or was lost (each followed by a reconnect).
    pub broker_errors: u64,
}

impl RunSummary {
    pub(crate) fn record(&mut self, disposition: &Disposition) {
        let counter = match disposition {
            Disposition::Completed => &mut self.completed,
            Disposition::FailedPermanent => &mut self.failed_permanent,
            Disposition::Retried { .. } => &mut self.retried,
            Disposition::DeadLettered(_) => &mut self.dead_lettered,
        };
        *counter += 1;
    }
}
