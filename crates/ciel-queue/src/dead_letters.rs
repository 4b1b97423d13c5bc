//! Operator access to the dead-letter queue `Q.dead`: look at what is there ([`list`], which
//! leaves every message in place) and send messages back to the work queue ([`replay`], as fresh
//! version-1 jobs at attempt 1; the broker's death bookkeeping is dropped). Used by `cargo xtask dlq`.

use crate::config::RabbitConfig;
use crate::link::Link;
use crate::message;
use crate::topology::short;
use ciel_domain::ports::QueueError;
use lapin::options::{BasicAckOptions, BasicGetOptions, BasicNackOptions};
use lapin::types::AMQPValue;
use tokio::time::Instant;

/// One dead-lettered message, as an operator sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadLetter {
    /// The body (lossy UTF-8).
    pub body: String,
    /// The attempt it died on.
    pub attempt: u32,
    /// Why the broker dead-lettered it (`rejected`, `expired`, …), when it says.
    pub reason: Option<String>,
}

fn broker_error(what: &str) -> impl Fn(lapin::Error) -> QueueError + '_ {
    move |e| QueueError(format!("{what}: {e}"))
}

async fn open(config: &RabbitConfig) -> Result<Link, QueueError> {
    Link::open(config, Instant::now() + config.connect_timeout).await
}

/// Up to `limit` dead-lettered messages, oldest first; all stay in the queue.
pub async fn list(config: &RabbitConfig, limit: usize) -> Result<Vec<DeadLetter>, QueueError> {
    let link = open(config).await?;
    let channel = link.channel();
    let mut seen = Vec::new();
    let mut tags = Vec::new();
    while seen.len() < limit {
        let Some(msg) = channel
            .basic_get(
                short(config.queues.dead()),
                BasicGetOptions { no_ack: false },
            )
            .await
            .map_err(broker_error("reading the dead-letter queue"))?
        else {
            break;
        };
        let props = &msg.delivery.properties;
        let reason = props
            .headers()
            .as_ref()
            .and_then(|h| h.inner().get("x-first-death-reason").cloned())
            .and_then(|v| match v {
                AMQPValue::LongString(s) => {
                    Some(String::from_utf8_lossy(s.as_bytes()).into_owned())
                }
                AMQPValue::ShortString(s) => Some(s.as_str().to_owned()),
                _ => None,
            });
        seen.push(DeadLetter {
            body: String::from_utf8_lossy(&msg.delivery.data).into_owned(),
            attempt: message::attempt(props),
            reason,
        });
        tags.push(msg.delivery.delivery_tag);
    }
    // Put everything back, in order.
    if let Some(last) = tags.last() {
        channel
            .basic_nack(
                *last,
                BasicNackOptions {
                    multiple: true,
                    requeue: true,
                },
            )
            .await
            .map_err(broker_error("returning messages to the dead-letter queue"))?;
    }
    link.close().await;
    Ok(seen)
}

/// Moves up to `limit` dead-lettered messages back to the work queue (each confirmed before it
/// is removed from `Q.dead`), as attempt 1; how many.
pub async fn replay(config: &RabbitConfig, limit: usize) -> Result<usize, QueueError> {
    let link = open(config).await?;
    let channel = link.channel();
    let mut moved = 0;
    while moved < limit {
        let Some(msg) = channel
            .basic_get(
                short(config.queues.dead()),
                BasicGetOptions { no_ack: false },
            )
            .await
            .map_err(broker_error("reading the dead-letter queue"))?
        else {
            break;
        };
        // A fresh job's properties: version 1, attempt 1, persistent, no expiration.
        link.publish(
            config.queues.main(),
            &msg.delivery.data,
            message::job_properties(),
            config.confirm_timeout,
        )
        .await?;
        msg.delivery
            .ack(BasicAckOptions::default())
            .await
            .map_err(broker_error("removing a replayed message"))?;
        moved += 1;
    }
    link.close().await;
    Ok(moved)
}
