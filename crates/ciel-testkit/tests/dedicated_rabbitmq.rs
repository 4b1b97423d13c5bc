//! A test's own RabbitMQ node for real: it takes a job, stops (its AMQP port refuses), starts
//! again with the job still queued (same node, same data), and leaves nothing once dropped.

use ciel_domain::ports::{JobQueue, MediaJob};
use ciel_domain::{UploadId, UserId};
use ciel_queue::{RabbitConfig, RabbitQueue};
use ciel_testkit::DedicatedRabbitMq;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::time::Duration;

fn accepts(port: u16) -> bool {
    TcpStream::connect_timeout(
        &SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
        Duration::from_secs(2),
    )
    .is_ok()
}

fn port_of(url: &str) -> u16 {
    let authority = url.rsplit_once('@').unwrap().1.split('/').next().unwrap();
    authority.rsplit_once(':').unwrap().1.parse().unwrap()
}

#[tokio::test]
async fn a_dedicated_node_stops_for_real_comes_back_with_its_data_and_goes_away_on_drop() {
    let broker = DedicatedRabbitMq::start().await;
    let url = broker.amqp_url().to_owned();
    let port = port_of(&url);
    let config = RabbitConfig::new(url.clone(), "probe")
        .unwrap()
        .with_connection_name("dedicated-rabbitmq-test");
    let queue = RabbitQueue::connect(config.clone()).await.unwrap();
    let job = MediaJob {
        upload_id: UploadId::from_uuid(uuid::Uuid::new_v4()),
        owner_id: UserId::from_uuid(uuid::Uuid::new_v4()),
        original_key: "uploads/probe.png".to_owned(),
    };
    queue.publish_media_job(&job).await.unwrap();
    queue.close().await;

    broker.stop().await;
    assert!(!accepts(port), "AMQP port {port} accepts while stopped");
    assert!(
        RabbitQueue::connect(config.clone()).await.is_err(),
        "a client connected to a stopped broker"
    );

    broker.resume().await;
    let queue = RabbitQueue::new(config);
    let depths = queue.queue_depths().await.unwrap();
    queue.close().await;
    assert_eq!(
        depths.main, 1,
        "the durable job survived the stop: {depths:?}"
    );

    drop(broker);
    assert!(!accepts(port), "AMQP port {port} accepts after drop");
    let own = ciel_testkit::env::workspace_root()
        .join("target/ciel-test-services")
        .read_dir()
        .map(|dir| {
            dir.filter_map(Result::ok)
                .filter(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .starts_with(&format!("{}-rabbitmq-own-", std::process::id()))
                })
                .count()
        })
        .unwrap_or(0);
    assert_eq!(own, 0, "the node's state directory is left behind");
}
