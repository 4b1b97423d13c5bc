//! The test's own hand on a TestApp's media queues: publish raw messages (poison, duplicates)
//! and read the queue depths, over the app's `AMQP_URL` and `AMQP_MEDIA_QUEUE`.

use crate::app::TestApp;
use ciel_domain::ports::{JobQueue, MediaJob};
use ciel_queue::{QueueDepths, RabbitConfig, RabbitQueue};
use lapin::options::BasicPublishOptions;
use lapin::{BasicProperties, Connection, ConnectionProperties};

impl TestApp {
    fn rabbit_config(&self) -> RabbitConfig {
        RabbitConfig::new(
            self.env.get("AMQP_URL").expect("AMQP_URL").clone(),
            self.env.get("AMQP_MEDIA_QUEUE").expect("AMQP_MEDIA_QUEUE"),
        )
        .expect("queue name")
        .with_connection_name("ciel-test")
    }

    /// Publishes `job` to the app's media queue (as a producer would), confirmed.
    pub async fn publish_media_job(&self, job: &MediaJob) {
        let queue = RabbitQueue::connect(self.rabbit_config())
            .await
            .expect("test publisher");
        queue.publish_media_job(job).await.expect("publish");
        queue.close().await;
    }

    /// Publishes raw bytes with `properties` to the app's media work queue, confirmed.
    pub async fn publish_raw_media_message(&self, body: &[u8], properties: BasicProperties) {
        let config = self.rabbit_config();
        // Declares the topology like the app does (idempotent), so the queue exists.
        RabbitQueue::connect(config.clone())
            .await
            .expect("declare")
            .close()
            .await;
        let conn = Connection::connect(&config.url, ConnectionProperties::default())
            .await
            .expect("connect");
        let channel = conn.create_channel().await.expect("channel");
        channel
            .basic_publish(
                "".into(),
                config.queues.main().into(),
                BasicPublishOptions::default(),
                body,
                properties,
            )
            .await
            .expect("publish")
            .await
            .expect("confirm");
        let _ = conn.close(200, "OK".into()).await;
    }

    /// Ready messages in the app's work, retry and dead-letter queues.
    pub async fn media_queue_depths(&self) -> QueueDepths {
        let queue = RabbitQueue::new(self.rabbit_config());
        let depths = queue.queue_depths().await.expect("queue depths");
        queue.close().await;
        depths
    }
}
