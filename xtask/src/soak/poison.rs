//! Poison messages: bodies that are no media job, published (persistent, confirmed) straight to
//! the media work queue at a few points of the run. The consumers must dead-letter each of them
//! exactly once; the audit compares the dead-letter queue with what was injected here.

use anyhow::{Context, Result, bail};
use ciel_queue::{RabbitConfig, RabbitQueue};
use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
use lapin::{BasicProperties, Confirmation, Connection, ConnectionProperties};
use std::sync::Mutex;
use std::time::Duration;

/// The injector and its record of what the broker confirmed.
pub struct Poison {
    config: RabbitConfig,
    seed: u64,
    injected: Mutex<Vec<String>>,
}

impl Poison {
    /// An injector for the media queue of `config`.
    pub fn new(config: RabbitConfig, seed: u64) -> Self {
        Self {
            config,
            seed,
            injected: Mutex::new(Vec::new()),
        }
    }

    /// Publishes `n` poison messages, each retried for up to 30 s until the broker confirms it.
    pub async fn inject(&self, n: usize) -> Result<()> {
        for _ in 0..n {
            let number = super::client::lock(&self.injected).len() + 1;
            let body = format!(
                "{{\"soak_poison\":{number},\"seed\":{},\"note\":\"not a media job\"}}",
                self.seed
            );
            let mut attempts = 0;
            loop {
                attempts += 1;
                match self.publish(body.as_bytes()).await {
                    Ok(()) => break,
                    Err(e) if attempts < 30 => {
                        eprintln!("soak: poison publish failed ({e:#}); retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                    Err(e) => return Err(e),
                }
            }
            super::client::lock(&self.injected).push(body);
        }
        Ok(())
    }

    async fn publish(&self, body: &[u8]) -> Result<()> {
        // Declares the topology as the app does (idempotent), so the queue exists.
        RabbitQueue::connect(self.config.clone())
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .close()
            .await;
        let conn = tokio::time::timeout(
            Duration::from_secs(5),
            Connection::connect(&self.config.url, ConnectionProperties::default()),
        )
        .await
        .context("connecting timed out")??;
        let channel = conn.create_channel().await?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        let confirmation = channel
            .basic_publish(
                "".into(),
                self.config.queues.main().into(),
                BasicPublishOptions::default(),
                body,
                BasicProperties::default().with_delivery_mode(2),
            )
            .await?
            .await?;
        let _ = conn.close(200, "OK".into()).await;
        match confirmation {
            Confirmation::Ack(_) => Ok(()),
            other => bail!("the broker did not ack the poison message: {other:?}"),
        }
    }

    /// The bodies the broker confirmed, in order.
    pub fn injected(&self) -> Vec<String> {
        super::client::lock(&self.injected).clone()
    }

    /// The queue settings.
    pub fn config(&self) -> &RabbitConfig {
        &self.config
    }
}
