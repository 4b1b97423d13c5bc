//! `MemoryQueue`: the in-process `JobQueue` for the embedded/combined mode and unit tests — a
//! bounded tokio channel whose receiving half ([`MemoryJobs`]) the in-process worker drains.
//!
//! Nothing survives a restart: jobs not yet taken are lost with the process, which is why this
//! adapter is only for development (the stale-upload sweep re-enqueues them after a restart).

use async_trait::async_trait;
use ciel_domain::ports::{JobQueue, MediaJob, QueueError};
use tokio::sync::mpsc;

/// The publishing half. Cheap to clone.
#[derive(Clone, Debug)]
pub struct MemoryQueue {
    sender: mpsc::Sender<MediaJob>,
}

/// The receiving half.
#[derive(Debug)]
pub struct MemoryJobs {
    receiver: mpsc::Receiver<MediaJob>,
}

impl MemoryQueue {
    /// A queue holding at most `capacity` (at least 1) jobs; publishing waits for room.
    pub fn new(capacity: usize) -> (Self, MemoryJobs) {
        let (sender, receiver) = mpsc::channel(capacity.max(1));
        (Self { sender }, MemoryJobs { receiver })
    }

    /// Jobs published and not yet taken.
    pub fn len(&self) -> usize {
        self.sender.max_capacity() - self.sender.capacity()
    }

    /// Whether no job is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl MemoryJobs {
    /// The next job, waiting for one; `None` once every [`MemoryQueue`] handle is gone.
    pub async fn next_job(&mut self) -> Option<MediaJob> {
        self.receiver.recv().await
    }

    /// The next job if one is waiting.
    pub fn try_next_job(&mut self) -> Option<MediaJob> {
        self.receiver.try_recv().ok()
    }
}

fn stopped() -> QueueError {
    QueueError("the in-process job consumer has stopped".to_owned())
}

#[async_trait]
impl JobQueue for MemoryQueue {
    async fn publish_media_job(&self, job: &MediaJob) -> Result<(), QueueError> {
        self.sender.send(job.clone()).await.map_err(|_| stopped())
    }

    async fn ping(&self) -> Result<(), QueueError> {
        if self.sender.is_closed() {
            Err(stopped())
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ciel_domain::ids::{UploadId, UserId};
    use std::time::Duration;

    fn job(key: &str) -> MediaJob {
        MediaJob {
            upload_id: UploadId::generate(),
            owner_id: UserId::generate(),
            original_key: key.to_owned(),
        }
    }

    #[tokio::test]
    async fn publishing_waits_for_room() {
        let (queue, mut jobs) = MemoryQueue::new(1);
        queue.publish_media_job(&job("a")).await.unwrap();
        assert_eq!(queue.len(), 1);
        let blocked = tokio::time::timeout(
            Duration::from_millis(100),
            queue.publish_media_job(&job("b")),
        )
        .await;
        assert!(blocked.is_err(), "a full queue makes the publisher wait");
        assert_eq!(jobs.next_job().await.unwrap().original_key, "a");
        queue.publish_media_job(&job("c")).await.unwrap();
        assert_eq!(jobs.try_next_job().unwrap().original_key, "c");
        assert!(jobs.try_next_job().is_none());
        assert!(queue.is_empty());
    }

    #[tokio::test]
    async fn a_stopped_consumer_makes_publish_and_ping_fail() {
        let (queue, jobs) = MemoryQueue::new(4);
        queue.ping().await.unwrap();
        drop(jobs);
        assert!(queue.ping().await.is_err());
        assert!(queue.publish_media_job(&job("a")).await.is_err());
    }

    #[tokio::test]
    async fn the_receiver_ends_when_every_publisher_is_gone() {
        let (queue, mut jobs) = MemoryQueue::new(4);
        queue.publish_media_job(&job("last")).await.unwrap();
        drop(queue);
        assert_eq!(jobs.next_job().await.unwrap().original_key, "last");
        assert_eq!(jobs.next_job().await, None);
    }
}
