//! Connection settings shared by the publisher ([`RabbitQueue`](crate::RabbitQueue)) and the
//! consumer ([`MediaConsumer`](crate::MediaConsumer)).

use crate::topology::{InvalidQueueName, QueueNames};
use std::fmt;
use std::time::Duration;

/// Default bound on connecting, opening the channel and declaring the topology.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Default bound on one publish including the broker's confirm.
pub const DEFAULT_CONFIRM_TIMEOUT: Duration = Duration::from_secs(5);

/// Where the broker is and how long to wait for it.
#[derive(Clone)]
pub struct RabbitConfig {
    /// `amqp://user:pass@host:port/vhost` (the vhost URL-encoded, `%2f` for `/`). Never logged.
    pub url: String,
    /// The queues of this job type.
    pub queues: QueueNames,
    /// Bound on connect + channel + topology; a broker outage fails calls after this.
    pub connect_timeout: Duration,
    /// Bound on one publish until its confirm arrives.
    pub confirm_timeout: Duration,
    /// Shown in the broker's management UI.
    pub connection_name: String,
}

impl RabbitConfig {
    /// Settings for main queue `main_queue` on `url`, with the default timeouts.
    pub fn new(url: impl Into<String>, main_queue: &str) -> Result<Self, InvalidQueueName> {
        Ok(Self {
            url: url.into(),
            queues: QueueNames::new(main_queue)?,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            confirm_timeout: DEFAULT_CONFIRM_TIMEOUT,
            connection_name: "ciel".to_owned(),
        })
    }

    /// The same settings under another connection name.
    #[must_use]
    pub fn with_connection_name(mut self, name: impl Into<String>) -> Self {
        self.connection_name = name.into();
        self
    }
}

impl fmt::Debug for RabbitConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL carries the password.
        f.debug_struct("RabbitConfig")
            .field("url", &"<redacted>")
            .field("queues", &self.queues)
            .field("connect_timeout", &self.connect_timeout)
            .field("confirm_timeout", &self.confirm_timeout)
            .field("connection_name", &self.connection_name)
            .finish()
    }
}
