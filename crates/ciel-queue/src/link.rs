//! One broker connection with one publisher-confirm channel on which the topology is declared.

use crate::config::RabbitConfig;
use crate::topology::{self, DEFAULT_EXCHANGE, short};
use ciel_domain::ports::QueueError;
use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
use lapin::{BasicProperties, Channel, Confirmation, Connection, ConnectionProperties};
use std::time::Duration;
use tokio::time::Instant;

/// How long a graceful close may take before we just drop the connection.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);

/// A connected channel in confirm mode. Dropping it closes the channel and the connection.
pub(crate) struct Link {
    connection: Connection,
    channel: Channel,
}

impl Link {
    /// Connects, opens a confirm channel and declares the topology, all before `deadline`.
    pub(crate) async fn open(config: &RabbitConfig, deadline: Instant) -> Result<Self, QueueError> {
        let open = async {
            let props = ConnectionProperties::default()
                .with_connection_name(config.connection_name.clone().into());
            let connection = Connection::connect(&config.url, props).await?;
            let channel = connection.create_channel().await?;
            channel
                .confirm_select(ConfirmSelectOptions::default())
                .await?;
            topology::declare(&channel, &config.queues).await?;
            Ok::<_, lapin::Error>(Self {
                connection,
                channel,
            })
        };
        match tokio::time::timeout_at(deadline, open).await {
            Ok(Ok(link)) => Ok(link),
            Ok(Err(e)) => Err(QueueError(format!("cannot reach the broker: {e}"))),
            Err(_) => Err(QueueError("timed out connecting to the broker".to_owned())),
        }
    }

    /// The channel (confirm mode).
    pub(crate) fn channel(&self) -> &Channel {
        &self.channel
    }

    /// Whether the connection and the channel are still open as far as we know.
    pub(crate) fn is_usable(&self) -> bool {
        self.connection.status().connected() && self.channel.status().connected()
    }

    /// Publishes persistently (`mandatory`, so a missing queue is an error, not a silent drop)
    /// to queue `queue` through the default exchange and waits for the broker's confirm.
    pub(crate) async fn publish(
        &self,
        queue: &str,
        body: &[u8],
        properties: BasicProperties,
        timeout: Duration,
    ) -> Result<(), QueueError> {
        let confirmed = async {
            self.channel
                .basic_publish(
                    DEFAULT_EXCHANGE.into(),
                    short(queue),
                    BasicPublishOptions {
                        mandatory: true,
                        ..BasicPublishOptions::default()
                    },
                    body,
                    properties,
                )
                .await?
                .await
        };
        match tokio::time::timeout(timeout, confirmed).await {
            Ok(Ok(Confirmation::Ack(None))) => Ok(()),
            Ok(Ok(Confirmation::Ack(Some(returned)))) => Err(QueueError(format!(
                "queue {queue} did not take the message: {} {}",
                returned.reply_code, returned.reply_text
            ))),
            Ok(Ok(Confirmation::Nack(_))) => Err(QueueError(format!(
                "the broker refused (nacked) the message for {queue}"
            ))),
            Ok(Ok(Confirmation::NotRequested)) => Err(QueueError(
                "publisher confirms are not enabled on this channel".to_owned(),
            )),
            Ok(Err(e)) => Err(QueueError(format!("publishing to {queue} failed: {e}"))),
            Err(_) => Err(QueueError(format!(
                "timed out waiting for the broker to confirm a message for {queue}"
            ))),
        }
    }

    /// Closes the channel and the connection gracefully (bounded; errors ignored).
    pub(crate) async fn close(&self) {
        let close = async {
            let _ = self.channel.close(200, "OK".into()).await;
            let _ = self.connection.close(200, "OK".into()).await;
        };
        let _ = tokio::time::timeout(CLOSE_TIMEOUT, close).await;
    }
}
