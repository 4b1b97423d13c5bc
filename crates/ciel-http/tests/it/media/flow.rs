//! The media flow end to end over real Postgres, S3 (s3s-fs) and RabbitMQ: presigned PUT,
//! complete, the outbox relay, the consumer running the job, `completed`; storage refusing a
//! wrong type; complete before the PUT; a corrupt file; a poison message; duplicate deliveries;
//! the broker gone during `complete`.

use super::{
    complete, images, intent, media_app, metric, poll_until, put, status, upload, wait_metric,
};
use crate::assert_error;
use ciel_domain::ports::MediaJob;
use ciel_domain::{UploadId, UserId};
use ciel_testkit::TestApp;
use ciel_testkit::images::png;
use lapin::BasicProperties;
use reqwest::Method;
use serde_json::Value;
use std::time::{Duration, Instant};

#[tokio::test]
async fn an_upload_goes_from_presigned_put_to_completed_media() {
    let app = media_app().await;
    let ann = app.user("ann").await;
    let photo = png(300, 200);
    let id = upload(&app, &ann, photo.clone(), "image/png").await;
    let res = complete(&app, &ann, &id).await;
    assert_eq!(res.status(), 202);
    assert!(
        res.bytes().await.unwrap().is_empty(),
        "202 has an empty body"
    );
    let done = poll_until(&app, &ann, &id, "completed").await;
    let media_id = done["processed_media_id"].as_str().unwrap().to_owned();

    let res = app
        .as_user(&ann, Method::GET, &format!("/v1/media/{media_id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let media: Value = res.json().await.unwrap();
    let base = format!("media/{}/{id}", ann.id);
    assert_eq!(media["id"], media_id.as_str());
    assert_eq!(media["owner_id"], ann.id.as_str());
    assert_eq!(media["original_key"], format!("{base}/original.png"));
    assert_eq!(media["thumb_key"], format!("{base}/thumb.png"));
    assert_eq!(media["medium_key"], format!("{base}/medium.png"));
    assert_eq!(
        (media["width"].as_i64(), media["height"].as_i64()),
        (Some(300), Some(200))
    );
    assert_eq!(media["bytes"].as_i64(), Some(photo.len() as i64));
    // A 4x3-component BlurHash of the thumb is 28 characters.
    assert_eq!(media["blurhash"].as_str().map(str::len), Some(28));
    // Every URL serves its object, immutable for a year.
    for field in ["thumb_url", "medium_url", "original_url"] {
        let res = app
            .client
            .get(media[field].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{field}");
        let cc = res
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(
            cc.as_deref(),
            Some("public, max-age=31536000, immutable"),
            "{field}"
        );
        assert!(!res.bytes().await.unwrap().is_empty());
    }
    // The raw upload is gone; complete on a finished upload is a 404.
    let raw = format!("uploads/{}/{id}.png", ann.id);
    assert_eq!(
        app.db
            .count(&format!(
                "SELECT count(*) AS n FROM media WHERE original_key = '{raw}'"
            ))
            .await,
        0
    );
    assert_error(complete(&app, &ann, &id).await, 404, "upload not found").await;
    assert_eq!(
        metric(&app, "media_jobs_total{outcome=\"completed\"}").await,
        1.0
    );
    assert_eq!(
        app.db.count("SELECT count(*) AS n FROM job_outbox").await,
        0
    );
}

#[tokio::test]
async fn storage_refuses_another_type_and_complete_needs_the_object() {
    let app = media_app().await;
    let ann = app.user("ann").await;
    let photo = png(10, 10);
    let res = intent(&app, &ann, "image/png", photo.len() as i64).await;
    let body: Value = res.json().await.unwrap();
    let id = body["upload_id"].as_str().unwrap();
    // Complete before any PUT: nothing in storage.
    assert_error(
        complete(&app, &ann, id).await,
        400,
        "upload not found in storage",
    )
    .await;
    // A PUT with another content type breaks the signature.
    let status_code = put(&app, &body, photo.clone(), Some("image/jpeg")).await;
    assert!(
        !status_code.is_success(),
        "storage accepted a wrong type: {status_code}"
    );
    assert_error(
        complete(&app, &ann, id).await,
        400,
        "upload not found in storage",
    )
    .await;
    // The right PUT, then complete twice: idempotent, one job.
    assert!(put(&app, &body, photo, None).await.is_success());
    assert_eq!(complete(&app, &ann, id).await.status(), 202);
    let second = complete(&app, &ann, id).await.status().as_u16();
    assert!(second == 202 || second == 404, "second complete: {second}");
    poll_until(&app, &ann, id, "completed").await;
    let v: Value = status(&app, &ann, id).await.json().await.unwrap();
    assert!(v["processed_media_id"].is_string());
}

#[tokio::test]
async fn a_corrupt_file_fails_once_without_retries() {
    let app = media_app().await;
    let ann = app.user("ann").await;
    let id = upload(&app, &ann, b"definitely not a png".to_vec(), "image/png").await;
    assert_eq!(complete(&app, &ann, &id).await.status(), 202);
    let failed = poll_until(&app, &ann, &id, "failed").await;
    assert!(failed["processed_media_id"].is_null());
    wait_metric(&app, "media_jobs_total{outcome=\"failed_permanent\"}", 1.0).await;
    assert_eq!(
        metric(&app, "media_jobs_total{outcome=\"retried\"}").await,
        0.0
    );
    assert_eq!(app.db.count("SELECT count(*) AS n FROM media").await, 0);
    let depths = app.media_queue_depths().await;
    assert_eq!((depths.main, depths.retry, depths.dead), (0, 0, 0));
}

#[tokio::test]
async fn a_poison_message_is_dead_lettered_at_once() {
    let app = media_app().await;
    app.publish_raw_media_message(b"{not json", BasicProperties::default())
        .await;
    wait_metric(&app, "media_jobs_total{outcome=\"dead_lettered\"}", 1.0).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let depths = app.media_queue_depths().await;
        if depths.dead == 1 {
            assert_eq!((depths.main, depths.retry), (0, 0));
            break;
        }
        assert!(
            Instant::now() < deadline,
            "nothing in the dead-letter queue: {depths:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_same_job_delivered_three_times_makes_one_media() {
    let app = media_app().await;
    let ann = app.user("ann").await;
    let id = upload(&app, &ann, png(64, 48), "image/png").await;
    let job = MediaJob {
        upload_id: id.parse::<UploadId>().unwrap(),
        owner_id: ann.id.parse::<UserId>().unwrap(),
        original_key: format!("uploads/{}/{id}.png", ann.id),
    };
    // Two extra deliveries race the one `complete` enqueues (two consumers run at once).
    assert_eq!(complete(&app, &ann, &id).await.status(), 202);
    app.publish_media_job(&job).await;
    app.publish_media_job(&job).await;
    wait_metric(&app, "media_jobs_total{outcome=\"completed\"}", 3.0).await;
    let done = poll_until(&app, &ann, &id, "completed").await;
    let media_id = done["processed_media_id"].as_str().unwrap();
    let media = app
        .db
        .count(&format!(
            "SELECT count(*) AS n FROM media WHERE owner_id = '{}'",
            ann.id
        ))
        .await;
    assert_eq!(media, 1, "one media row");
    assert_eq!(
        app.db
            .count(&format!(
                "SELECT count(*) AS n FROM media_uploads WHERE id = '{id}' AND status = 'completed' \
                 AND processed_media_id = '{media_id}'"
            ))
            .await,
        1
    );
    assert_eq!(
        metric(&app, "media_jobs_total{outcome=\"retried\"}").await,
        0.0
    );
}

#[tokio::test]
async fn a_broker_outage_during_complete_delays_the_job_but_never_loses_it() {
    let app: TestApp = TestApp::builder()
        .media()
        .dedicated_broker()
        .images(images())
        .spawn()
        .await;
    let ann = app.user("ann").await;
    let id = upload(&app, &ann, png(40, 30), "image/png").await;
    let broker = app.broker.as_ref().expect("the test's own broker");
    // RabbitMQ stops for real: its connections close and its AMQP port refuses.
    broker.stop().await;
    let started = Instant::now();
    assert_eq!(complete(&app, &ann, &id).await.status(), 202);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "complete waited for the broker"
    );
    // The relay tried to publish the job, the broker did not take it, and the job stays in the
    // outbox with the failure recorded.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let refused = app
            .db
            .count(
                "SELECT count(*) AS n FROM job_outbox \
                 WHERE attempts >= 1 AND last_error IS NOT NULL",
            )
            .await;
        if refused == 1 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no refused publish recorded in the outbox within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let s: Value = status(&app, &ann, &id).await.json().await.unwrap();
    assert_eq!(
        s["status"], "uploaded",
        "no job ran while the broker was down"
    );
    assert_eq!(
        app.db.count("SELECT count(*) AS n FROM job_outbox").await,
        1
    );
    broker.resume().await;
    poll_until(&app, &ann, &id, "completed").await;
    assert_eq!(
        app.db.count("SELECT count(*) AS n FROM job_outbox").await,
        0
    );
    assert_eq!(
        app.db
            .count(&format!(
                "SELECT count(*) AS n FROM media WHERE owner_id = '{}'",
                ann.id
            ))
            .await,
        1,
        "exactly one media row"
    );
}
