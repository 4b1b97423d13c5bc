//! Ciel's `JobQueue` adapters and the consumer side of the media queue (contract §0, §3.9).
//!
//! * [`RabbitQueue`] — production publisher: RabbitMQ over lapin, publisher confirms,
//!   persistent messages, bounded timeouts, reconnect on the next call.
//! * [`MediaConsumer`] — the worker's consumer: prefetch 1, retries with exponential back-off
//!   through a retry queue, dead-letters poison messages and exhausted retries, graceful stop.
//! * [`MemoryQueue`] — in-process adapter for the embedded/combined mode and unit tests.
//!
//! The queue layout is described in [`topology`], the wire format in [`message`]. Both
//! `JobQueue` adapters pass `ciel_testkit::conformance::job_queue_suite`.

pub mod config;
pub mod consumer;
pub mod dead_letters;
mod link;
pub mod memory;
pub mod message;
pub mod outcome;
pub mod rabbitmq;
pub mod retry;
pub mod topology;
pub mod trace;

pub use config::RabbitConfig;
pub use consumer::{ConsumerConfig, MediaConsumer};
pub use memory::{MemoryJobs, MemoryQueue};
pub use message::{DecodeError, MediaJobMessage};
pub use outcome::{DeadLetterReason, Disposition, JobOutcome, Processed, RunSummary};
pub use rabbitmq::RabbitQueue;
pub use retry::RetryPolicy;
pub use topology::{InvalidQueueName, QueueDepths, QueueNames};
