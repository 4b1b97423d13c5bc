//! The broker topology of one job queue, declared idempotently on every (re)connect.
//!
//! For a main queue `Q` (e.g. `ciel.media`) there are three durable classic queues:
//!
//! ```text
//!   publish ──► Q ──(reject, requeue=false)──► DLX "" / key Q.dead ──► Q.dead
//!               ▲
//!   Retry ──► Q.retry (per-message expiration = back-off) ──(expired)──► DLX "" / key Q ──┘
//! ```
//!
//! * `Q` — the work queue, `x-dead-letter-exchange = ""`, `x-dead-letter-routing-key = Q.dead`.
//!   The consumer dead-letters poison messages and exhausted retries by rejecting them without
//!   requeue, so the broker moves them to `Q.dead` in one step (no publish-then-ack window).
//! * `Q.retry` — has no consumer. The consumer republishes a job that failed transiently here
//!   with an `expiration` equal to its back-off; when it expires the broker dead-letters it to
//!   `x-dead-letter-exchange = ""`, `x-dead-letter-routing-key = Q`, i.e. back onto `Q` (the
//!   broker strips the expiration on the way).
//! * `Q.dead` — the dead-letter queue, kept until an operator looks at it.
//!
//! **Why the default exchange.** Every route here is "to one named queue", which is exactly
//! what the default (direct, nameless) exchange does: no exchanges or bindings to declare,
//! keep in sync or get wrong, and the queues of two different `Q` can never cross-route.
//! Named direct exchanges would only pay off with several producers or fan-out, which this
//! queue does not have; adding one later does not change the queues.
//!
//! Caveat of a single retry queue with per-message expirations: RabbitMQ only expires messages
//! at the head of a queue, so a short back-off queued behind a long one waits for the long one.
//! Back-offs are therefore never shorter than asked, and at most the back-off cap longer.
//!
//! Declaring with different arguments than an existing queue has fails with
//! `PRECONDITION_FAILED`: that is a deployment error and surfaces as a `QueueError`.

use lapin::Channel;
use lapin::options::QueueDeclareOptions;
use lapin::types::{AMQPValue, FieldTable, ShortString};

/// The longest main queue name: AMQP names are at most 255 bytes and `.retry` is appended.
const MAX_MAIN_NAME: usize = 255 - ".retry".len();

/// The main queue name is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid queue name {name:?}: {reason}")]
pub struct InvalidQueueName {
    name: String,
    reason: &'static str,
}

/// The three queue names derived from the main one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueNames {
    main: String,
    retry: String,
    dead: String,
}

impl QueueNames {
    /// Names for main queue `main` (`main`, `main.retry`, `main.dead`).
    pub fn new(main: impl Into<String>) -> Result<Self, InvalidQueueName> {
        let main = main.into();
        let reason = if main.trim().is_empty() {
            Some("it is empty")
        } else if main.len() > MAX_MAIN_NAME {
            Some("it is longer than 249 bytes")
        } else if main.starts_with("amq.") {
            Some("names starting with `amq.` are reserved by the broker")
        } else {
            None
        };
        if let Some(reason) = reason {
            return Err(InvalidQueueName { name: main, reason });
        }
        Ok(Self {
            retry: format!("{main}.retry"),
            dead: format!("{main}.dead"),
            main,
        })
    }

    /// The work queue.
    pub fn main(&self) -> &str {
        &self.main
    }

    /// The back-off queue whose expired messages return to [`main`](Self::main).
    pub fn retry(&self) -> &str {
        &self.retry
    }

    /// The dead-letter queue.
    pub fn dead(&self) -> &str {
        &self.dead
    }
}

/// How many ready messages each queue holds (for the `queue_depth` gauge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QueueDepths {
    /// Ready in the work queue (unacknowledged deliveries are not counted).
    pub main: u32,
    /// Waiting out a back-off.
    pub retry: u32,
    /// Dead-lettered.
    pub dead: u32,
}

/// The default exchange: routes to the queue named by the routing key.
pub(crate) const DEFAULT_EXCHANGE: &str = "";

fn dead_letter_to(queue: &str) -> FieldTable {
    let mut args = FieldTable::default();
    args.insert(
        "x-dead-letter-exchange".into(),
        AMQPValue::LongString(DEFAULT_EXCHANGE.into()),
    );
    args.insert(
        "x-dead-letter-routing-key".into(),
        AMQPValue::LongString(queue.into()),
    );
    args
}

/// Declares the three queues (idempotent; durable; dead-letter routes as in the module doc).
pub async fn declare(channel: &Channel, names: &QueueNames) -> lapin::Result<()> {
    let durable = QueueDeclareOptions::durable();
    channel
        .queue_declare(short(names.dead()), durable, FieldTable::default())
        .await?;
    channel
        .queue_declare(short(names.retry()), durable, dead_letter_to(names.main()))
        .await?;
    channel
        .queue_declare(short(names.main()), durable, dead_letter_to(names.dead()))
        .await?;
    Ok(())
}

/// Reads the depth of the three queues (passive declares: they must exist).
pub async fn depths(channel: &Channel, names: &QueueNames) -> lapin::Result<QueueDepths> {
    let mut counts = [0u32; 3];
    for (count, name) in counts
        .iter_mut()
        .zip([names.main(), names.retry(), names.dead()])
    {
        *count = channel
            .queue_declare(
                short(name),
                QueueDeclareOptions::durable().passive(),
                FieldTable::default(),
            )
            .await?
            .message_count();
    }
    Ok(QueueDepths {
        main: counts[0],
        retry: counts[1],
        dead: counts[2],
    })
}

/// A queue name as an AMQP short string; [`QueueNames::new`] bounds the length.
pub(crate) fn short(name: &str) -> ShortString {
    ShortString::try_new(name).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_retry_and_dead_names() {
        let n = QueueNames::new("ciel.media").unwrap();
        assert_eq!(
            (n.main(), n.retry(), n.dead()),
            ("ciel.media", "ciel.media.retry", "ciel.media.dead")
        );
    }

    #[test]
    fn rejects_unusable_names() {
        assert!(QueueNames::new("").is_err());
        assert!(QueueNames::new("  ").is_err());
        assert!(QueueNames::new("amq.media").is_err());
        assert!(QueueNames::new("x".repeat(250)).is_err());
        let longest = QueueNames::new("x".repeat(249)).unwrap();
        assert_eq!(longest.retry().len(), 255);
    }
}
