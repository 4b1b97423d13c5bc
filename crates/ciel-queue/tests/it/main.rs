//! The queue adapters against a real RabbitMQ: conformance, retries with back-off, dead-lettering
//! of poison messages and exhausted retries, acknowledgement, graceful stop, fast failure.

use ciel_domain::ports::{JobQueue, MediaJob};
use ciel_domain::{UploadId, UserId};
use ciel_queue::message::{self, ATTEMPT_HEADER, VERSION_HEADER};
use ciel_queue::topology::{self, QueueNames};
use ciel_queue::{
    ConsumerConfig, DeadLetterReason, Disposition, JobOutcome, MediaConsumer, MemoryQueue,
    Processed, RabbitConfig, RabbitQueue, RetryPolicy, RunSummary,
};
use ciel_testkit::conformance::job_queue_suite;
use ciel_testkit::services::ServiceKind;
use ciel_testkit::{service_var, unique_name};
use lapin::options::{BasicGetOptions, BasicPublishOptions, QueueDeleteOptions};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

const WAIT: Duration = Duration::from_secs(15);

fn amqp_url() -> String {
    service_var(ServiceKind::RabbitMq, "AMQP_URL")
}

/// Settings for a fresh, unique queue.
fn config() -> RabbitConfig {
    RabbitConfig::new(amqp_url(), &unique_name("q")).unwrap()
}

fn job(key: &str) -> MediaJob {
    MediaJob {
        upload_id: UploadId::generate(),
        owner_id: UserId::generate(),
        original_key: key.to_owned(),
    }
}

/// Consumer settings with short back-offs: 3 attempts, 50 ms then 100 ms.
fn fast(rabbit: RabbitConfig) -> ConsumerConfig {
    ConsumerConfig {
        retry: RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(50),
            max_delay: Duration::from_millis(200),
        },
        reconnect_delay: Duration::from_millis(100),
        ..ConsumerConfig::new(rabbit)
    }
}

/// The test's own view of the broker.
struct Broker {
    _connection: Connection,
    channel: Channel,
}

impl Broker {
    async fn new(names: &QueueNames) -> Self {
        let connection = Connection::connect(&amqp_url(), ConnectionProperties::default())
            .await
            .unwrap();
        let channel = connection.create_channel().await.unwrap();
        topology::declare(&channel, names).await.unwrap();
        Self {
            _connection: connection,
            channel,
        }
    }

    /// Takes (and acknowledges) one ready message of `queue`, if any.
    async fn get(&self, queue: &str) -> Option<(BasicProperties, Vec<u8>)> {
        let msg = self
            .channel
            .basic_get(queue.into(), BasicGetOptions { no_ack: true })
            .await
            .unwrap()?;
        Some((msg.delivery.properties.clone(), msg.delivery.data.clone()))
    }

    /// Waits for a message in `queue`.
    async fn wait_get(&self, queue: &str) -> (BasicProperties, Vec<u8>) {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(msg) = self.get(queue).await {
                return msg;
            }
            assert!(Instant::now() < deadline, "nothing arrived in {queue}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn publish_raw(&self, queue: &str, body: &[u8], properties: BasicProperties) {
        let confirm = self
            .channel
            .basic_publish(
                "".into(),
                queue.into(),
                BasicPublishOptions::default(),
                body,
                properties,
            )
            .await
            .unwrap();
        confirm.await.unwrap();
    }
}

/// Records what the consumer reported.
#[derive(Clone, Default)]
struct Reports(Arc<Mutex<Vec<Processed>>>);

impl Reports {
    fn observer(&self) -> impl Fn(&Processed) + Send + Sync + 'static {
        let reports = self.0.clone();
        move |p| reports.lock().unwrap().push(p.clone())
    }

    fn dispositions(&self) -> Vec<Disposition> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|p| p.disposition.clone())
            .collect()
    }
}

/// Starts `consumer` in the background; send on the returned sender to stop it.
fn spawn<H, Fut>(consumer: MediaConsumer<H>) -> (oneshot::Sender<()>, JoinHandle<RunSummary>)
where
    H: Fn(MediaJob) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = JobOutcome> + Send + 'static,
{
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(consumer.run(async move {
        let _ = stopped.await;
    }));
    (stop, task)
}

async fn stop(stop: oneshot::Sender<()>, task: JoinHandle<RunSummary>) -> RunSummary {
    let _ = stop.send(());
    tokio::time::timeout(WAIT, task)
        .await
        .expect("the consumer stops")
        .unwrap()
}

#[tokio::test]
async fn memory_queue_conforms() {
    let (queue, jobs) = MemoryQueue::new(16);
    let jobs = Arc::new(tokio::sync::Mutex::new(jobs));
    job_queue_suite(&queue, || {
        let jobs = jobs.clone();
        async move { jobs.lock().await.next_job().await }
    })
    .await;
}

#[tokio::test]
async fn rabbit_queue_conforms() {
    let config = config();
    let broker = Broker::new(&config.queues).await;
    let main = config.queues.main().to_owned();
    let queue = RabbitQueue::new(config);
    let broker = &broker;
    job_queue_suite(&queue, || {
        let main = main.clone();
        async move {
            let (props, body) = broker.wait_get(&main).await;
            Some(message::decode(&props, &body).expect("a decodable job"))
        }
    })
    .await;
}

#[tokio::test]
async fn published_jobs_are_persistent_versioned_contract_json() {
    let config = config();
    let broker = Broker::new(&config.queues).await;
    let main = config.queues.main().to_owned();
    let queue = RabbitQueue::connect(config).await.unwrap();
    let sent = job("uploads/o/u.jpg");
    queue.publish_media_job(&sent).await.unwrap();
    let (props, body) = broker.wait_get(&main).await;
    assert_eq!(*props.delivery_mode(), Some(2));
    let version = props
        .headers()
        .as_ref()
        .unwrap()
        .inner()
        .get(VERSION_HEADER);
    assert_eq!(version, Some(&AMQPValue::LongLongInt(1)));
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "upload_id": sent.upload_id.to_string(),
            "owner_id": sent.owner_id.to_string(),
            "original_key": "uploads/o/u.jpg",
        })
    );
}

#[tokio::test]
async fn a_retried_job_comes_back_with_back_off_and_is_dead_lettered_after_max_attempts() {
    let config = config();
    let names = config.queues.clone();
    let broker = Broker::new(&names).await;
    let queue = RabbitQueue::new(config.clone());
    let sent = job("uploads/o/retry.jpg");

    let calls = Arc::new(Mutex::new(Vec::<(MediaJob, Instant)>::new()));
    let reports = Reports::default();
    let consumer = MediaConsumer::new(fast(config), {
        let calls = calls.clone();
        move |job| {
            calls.lock().unwrap().push((job, Instant::now()));
            async { JobOutcome::Retry }
        }
    })
    .on_processed(reports.observer());
    let (stop_tx, task) = spawn(consumer);

    queue.publish_media_job(&sent).await.unwrap();
    let (props, body) = broker.wait_get(names.dead()).await;
    assert_eq!(message::decode(&props, &body).unwrap(), sent);
    assert_eq!(message::attempt(&props), 3, "dead-lettered on attempt 3");
    let headers = props.headers().as_ref().unwrap();
    assert!(headers.contains_key(ATTEMPT_HEADER));
    assert!(
        headers.contains_key("x-death"),
        "dead-lettered by the broker"
    );

    let summary = stop(stop_tx, task).await;
    let calls = calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 3, "the handler saw every attempt");
    assert!(calls.iter().all(|(j, _)| *j == sent));
    assert!(
        calls[1].1 - calls[0].1 >= Duration::from_millis(50),
        "first back-off"
    );
    assert!(
        calls[2].1 - calls[1].1 >= Duration::from_millis(100),
        "second back-off doubles"
    );
    assert_eq!(
        reports.dispositions(),
        [
            Disposition::Retried {
                attempt: 1,
                delay: Duration::from_millis(50)
            },
            Disposition::Retried {
                attempt: 2,
                delay: Duration::from_millis(100)
            },
            Disposition::DeadLettered(DeadLetterReason::RetriesExhausted { attempts: 3 }),
        ]
    );
    assert_eq!((summary.retried, summary.dead_lettered), (2, 1));
    let depths = queue.queue_depths().await.unwrap();
    assert_eq!((depths.main, depths.retry, depths.dead), (0, 0, 0));
}

#[tokio::test]
async fn a_job_that_recovers_is_completed_on_a_later_attempt() {
    let config = config();
    let queue = RabbitQueue::new(config.clone());
    let calls = Arc::new(AtomicU32::new(0));
    let (done_tx, mut done_rx) = mpsc::unbounded_channel();
    let consumer = MediaConsumer::new(fast(config), {
        let calls = calls.clone();
        move |job| {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            let done_tx = done_tx.clone();
            async move {
                if n < 2 {
                    JobOutcome::Retry
                } else {
                    done_tx.send(job).unwrap();
                    JobOutcome::Done
                }
            }
        }
    });
    let (stop_tx, task) = spawn(consumer);
    let sent = job("uploads/o/flaky.jpg");
    queue.publish_media_job(&sent).await.unwrap();
    let got = tokio::time::timeout(WAIT, done_rx.recv()).await.unwrap();
    assert_eq!(got, Some(sent));
    let summary = stop(stop_tx, task).await;
    assert_eq!((summary.retried, summary.completed), (1, 1));
}

#[tokio::test]
async fn poison_messages_go_straight_to_the_dead_letter_queue() {
    let config = config();
    let names = config.queues.clone();
    let broker = Broker::new(&names).await;
    let queue = RabbitQueue::new(config.clone());

    broker
        .publish_raw(
            names.main(),
            b"this is not json",
            BasicProperties::default(),
        )
        .await;
    let mut v2 = FieldTable::default();
    v2.insert(VERSION_HEADER.into(), AMQPValue::LongLongInt(2));
    let future_version = message::encode_body(&job("uploads/o/v2.jpg"));
    broker
        .publish_raw(
            names.main(),
            &future_version,
            BasicProperties::default().with_headers(v2),
        )
        .await;
    let good = job("uploads/o/good.jpg");
    queue.publish_media_job(&good).await.unwrap();

    let (seen_tx, mut seen_rx) = mpsc::unbounded_channel();
    let reports = Reports::default();
    let consumer = MediaConsumer::new(fast(config), move |job| {
        seen_tx.send(job).unwrap();
        async { JobOutcome::Done }
    })
    .on_processed(reports.observer());
    let (stop_tx, task) = spawn(consumer);

    let first = tokio::time::timeout(WAIT, seen_rx.recv()).await.unwrap();
    assert_eq!(first, Some(good), "only the good job reaches the handler");
    let (_, body) = broker.wait_get(names.dead()).await;
    assert_eq!(body, b"this is not json");
    let (_, body) = broker.wait_get(names.dead()).await;
    assert_eq!(body, future_version);

    let summary = stop(stop_tx, task).await;
    assert!(seen_rx.try_recv().is_err(), "the handler saw nothing else");
    assert_eq!((summary.dead_lettered, summary.completed), (2, 1));
    let dispositions = reports.dispositions();
    assert!(matches!(
        dispositions[0],
        Disposition::DeadLettered(DeadLetterReason::Undecodable(
            ciel_queue::DecodeError::Body(_)
        ))
    ));
    assert!(matches!(
        dispositions[1],
        Disposition::DeadLettered(DeadLetterReason::Undecodable(
            ciel_queue::DecodeError::UnknownVersion(_)
        ))
    ));
}

#[tokio::test]
async fn permanent_failures_and_completed_jobs_are_acknowledged_and_not_redelivered() {
    let config = config();
    let queue = RabbitQueue::new(config.clone());
    let calls = Arc::new(AtomicU32::new(0));
    let (seen_tx, mut seen_rx) = mpsc::unbounded_channel();
    let consumer = MediaConsumer::new(fast(config.clone()), {
        let calls = calls.clone();
        move |job: MediaJob| {
            calls.fetch_add(1, Ordering::SeqCst);
            seen_tx.send(job.clone()).unwrap();
            async move {
                if job.original_key.contains("broken") {
                    JobOutcome::PermanentFailure
                } else {
                    JobOutcome::Done
                }
            }
        }
    });
    let (stop_tx, task) = spawn(consumer);
    // A sentinel published last: one message at a time (prefetch 1) from a FIFO queue, so a
    // redelivered message would be handed over before it. Seeing exactly these three, in this
    // order, is the positive proof that nothing came back.
    let sent = [
        "uploads/o/broken.jpg",
        "uploads/o/fine.jpg",
        "uploads/o/sentinel.jpg",
    ];
    for key in sent {
        queue.publish_media_job(&job(key)).await.unwrap();
    }
    for key in sent {
        let seen = tokio::time::timeout(WAIT, seen_rx.recv())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(seen.original_key, key, "in order, no redelivery between");
    }
    let summary = stop(stop_tx, task).await;
    assert_eq!((summary.failed_permanent, summary.completed), (1, 2));
    assert_eq!(calls.load(Ordering::SeqCst), 3, "no redelivery");
    assert!(seen_rx.try_recv().is_err());

    // The consumer's connection is closed: anything unacknowledged would be ready again.
    let depths = queue.queue_depths().await.unwrap();
    assert_eq!((depths.main, depths.retry, depths.dead), (0, 0, 0));

    // A new consumer finds nothing either: the first job it is handed is a new sentinel.
    let (first_tx, mut first_rx) = mpsc::unbounded_channel();
    let (stop_tx, task) = spawn(MediaConsumer::new(fast(config), move |job: MediaJob| {
        first_tx.send(job).unwrap();
        async { JobOutcome::Done }
    }));
    let sentinel = job("uploads/o/second-sentinel.jpg");
    queue.publish_media_job(&sentinel).await.unwrap();
    let first = tokio::time::timeout(WAIT, first_rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first, sentinel, "nothing was left before it");
    let summary = stop(stop_tx, task).await;
    assert_eq!(
        summary,
        RunSummary {
            completed: 1,
            ..RunSummary::default()
        }
    );
}

#[tokio::test]
async fn shutdown_lets_the_job_in_hand_finish() {
    let config = config();
    let queue = RabbitQueue::new(config.clone());
    let (started_tx, mut started_rx) = mpsc::unbounded_channel();
    let consumer = MediaConsumer::new(fast(config), move |job| {
        started_tx.send(job).unwrap();
        async {
            tokio::time::sleep(Duration::from_millis(500)).await;
            JobOutcome::Done
        }
    });
    let (stop_tx, task) = spawn(consumer);
    queue
        .publish_media_job(&job("uploads/o/slow.jpg"))
        .await
        .unwrap();
    tokio::time::timeout(WAIT, started_rx.recv()).await.unwrap();
    let summary = stop(stop_tx, task).await;
    assert_eq!(
        summary.completed, 1,
        "the job in hand finished and was acked"
    );
    let depths = queue.queue_depths().await.unwrap();
    assert_eq!(depths.main, 0);
}

#[tokio::test]
async fn a_job_outliving_the_shutdown_grace_is_left_for_redelivery() {
    let config = config();
    let queue = RabbitQueue::new(config.clone());
    let (started_tx, mut started_rx) = mpsc::unbounded_channel();
    let consumer = MediaConsumer::new(
        ConsumerConfig {
            shutdown_grace: Duration::from_millis(100),
            ..fast(config)
        },
        move |job| {
            started_tx.send(job).unwrap();
            async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                JobOutcome::Done
            }
        },
    );
    let (stop_tx, task) = spawn(consumer);
    queue
        .publish_media_job(&job("uploads/o/stuck.jpg"))
        .await
        .unwrap();
    tokio::time::timeout(WAIT, started_rx.recv()).await.unwrap();
    let begun = Instant::now();
    let summary = stop(stop_tx, task).await;
    assert!(
        begun.elapsed() < Duration::from_secs(5),
        "{:?}",
        begun.elapsed()
    );
    assert_eq!(summary.completed, 0);
    let depths = queue.queue_depths().await.unwrap();
    assert_eq!(
        depths.main, 1,
        "the unacknowledged job is back in the queue"
    );
}

#[tokio::test]
async fn a_deleted_queue_makes_publish_fail_then_the_next_call_redeclares_it() {
    let config = config();
    let names = config.queues.clone();
    let broker = Broker::new(&names).await;
    let queue = RabbitQueue::connect(config).await.unwrap();
    queue
        .publish_media_job(&job("uploads/o/1.jpg"))
        .await
        .unwrap();
    broker
        .channel
        .queue_delete(names.main().into(), QueueDeleteOptions::default())
        .await
        .unwrap();
    assert!(
        queue
            .publish_media_job(&job("uploads/o/2.jpg"))
            .await
            .is_err(),
        "an unroutable job is an error, not a silent loss"
    );
    let third = job("uploads/o/3.jpg");
    queue.publish_media_job(&third).await.unwrap();
    let (props, body) = broker.wait_get(names.main()).await;
    assert_eq!(message::decode(&props, &body).unwrap(), third);
}

#[tokio::test]
async fn an_unreachable_broker_fails_fast_instead_of_hanging() {
    // Nothing listens on port 1.
    let config = RabbitConfig::new("amqp://guest:guest@127.0.0.1:1/%2f", "ciel.media").unwrap();
    let queue = RabbitQueue::new(config.clone());
    let started = Instant::now();
    assert!(
        queue
            .publish_media_job(&job("uploads/o/x.jpg"))
            .await
            .is_err()
    );
    assert!(queue.ping().await.is_err());
    assert!(
        queue
            .publish_media_job(&job("uploads/o/y.jpg"))
            .await
            .is_err()
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );

    // The consumer keeps retrying (two failed sessions observed) and still stops promptly.
    let (failed_tx, mut failed_rx) = mpsc::unbounded_channel();
    let consumer = MediaConsumer::new(fast(config), |_| async { JobOutcome::Done })
        .on_broker_error(move |error| {
            let _ = failed_tx.send(error.to_owned());
        });
    let (stop_tx, task) = spawn(consumer);
    for _ in 0..2 {
        tokio::time::timeout(WAIT, failed_rx.recv())
            .await
            .expect("the consumer reports each failed session")
            .unwrap();
    }
    let begun = Instant::now();
    let summary = stop(stop_tx, task).await;
    assert!(summary.broker_errors >= 2);
    assert!(begun.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn an_unroutable_address_times_out_within_the_connect_timeout() {
    // 10.255.255.1 is normally unroutable: connect hangs rather than being refused.
    let mut config =
        RabbitConfig::new("amqp://guest:guest@10.255.255.1:5672/%2f", "ciel.media").unwrap();
    config.connect_timeout = Duration::from_millis(500);
    let queue = RabbitQueue::new(config);
    let started = Instant::now();
    assert!(
        queue
            .publish_media_job(&job("uploads/o/x.jpg"))
            .await
            .is_err()
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn dead_letters_can_be_listed_in_place_and_replayed_to_the_work_queue() {
    use ciel_queue::dead_letters;
    let config = config();
    let broker = Broker::new(&config.queues).await;
    let dead = config.queues.dead().to_owned();
    for body in [&b"{first"[..], b"{second"] {
        broker
            .publish_raw(&dead, body, BasicProperties::default())
            .await;
    }
    let listed = dead_letters::list(&config, 10).await.unwrap();
    let bodies: Vec<&str> = listed.iter().map(|d| d.body.as_str()).collect();
    assert_eq!(bodies, ["{first", "{second"]);
    // Listing leaves them there.
    assert_eq!(dead_letters::list(&config, 1).await.unwrap().len(), 1);
    let depths = topology::depths(&broker.channel, &config.queues)
        .await
        .unwrap();
    assert_eq!((depths.main, depths.dead), (0, 2));
    // Replay moves them back as fresh version-1 jobs at attempt 1.
    assert_eq!(dead_letters::replay(&config, 10).await.unwrap(), 2);
    let (props, body) = broker.wait_get(config.queues.main()).await;
    assert_eq!(body, b"{first");
    assert_eq!(message::attempt(&props), 1);
    let version = props
        .headers()
        .as_ref()
        .unwrap()
        .inner()
        .get(VERSION_HEADER)
        .cloned();
    assert_eq!(version, Some(AMQPValue::LongLongInt(1)));
    let depths = topology::depths(&broker.channel, &config.queues)
        .await
        .unwrap();
    assert_eq!(depths.dead, 0);
}
