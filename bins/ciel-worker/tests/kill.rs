//! A real `ciel-worker` process killed (SIGKILL) in the middle of a media job: the broker
//! redelivers the unacknowledged job, a restarted worker finishes it, and the upload ends with
//! exactly one media row, one set of derivative objects and one `completed`.
//!
//! The API side is a `TestApp` in `api` mode (it relays the job from the outbox but consumes
//! nothing), so the only consumer is the worker binary, on the same database, bucket and queue.

use ciel_testkit::TestApp;
use ciel_testkit::photos::{PhotoFormat, encode, photo, with_gps_exif};
use ciel_testkit::process::{signal, spawn_binary, wait_exit};
use image::DynamicImage;
use std::collections::HashMap;
use std::process::Child;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ciel-worker");

fn start_worker(app: &TestApp) -> Child {
    let mut env: HashMap<String, String> = app.env.clone();
    env.insert("APP_MODE".into(), "worker".into());
    env.insert("MEDIA_WORKER_CONCURRENCY".into(), "1".into());
    spawn_binary(BIN, &env)
}

/// The upload's status, read straight from the database (one query: polled fast).
async fn upload_status(app: &TestApp, id: &str) -> &'static str {
    let code = app
        .db
        .count(&format!(
            "SELECT (CASE status WHEN 'uploaded' THEN 1 WHEN 'processing' THEN 2 \
             WHEN 'completed' THEN 3 WHEN 'failed' THEN 4 ELSE 0 END)::bigint AS n \
             FROM media_uploads WHERE id = '{id}'"
        ))
        .await;
    ["other", "uploaded", "processing", "completed", "failed"][code as usize]
}

#[tokio::test]
async fn a_worker_killed_mid_job_finishes_it_exactly_once_after_restart() {
    // A 3 MP photo taken sideways (EXIF orientation 6): the slowest path of the pipeline (full
    // decode, turn, re-encode of the original), so the job is in flight for a while (seconds
    // in this debug build). Made before the app, so that the client's pooled connection never
    // idles past the server's keep-alive.
    let body = with_gps_exif(
        &encode(
            &DynamicImage::ImageRgb8(photo(2000, 1500)),
            PhotoFormat::Jpeg,
        ),
        6,
    );
    let app = TestApp::builder()
        .media()
        .env("APP_MODE", "api")
        .spawn()
        .await;
    let ann = app.user("ann").await;
    let id = app.upload_media(&ann, body, "image/jpeg").await;
    assert_eq!(app.complete_upload(&ann, &id).await, 202);

    // The first worker claims the job (`processing`); kill it there, without warning.
    let first = start_worker(&app);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match upload_status(&app, &id).await {
            "processing" => break,
            "uploaded" => {}
            other => panic!("the upload became {other} before it was seen processing"),
        }
        assert!(
            Instant::now() < deadline,
            "the worker never claimed the job"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    signal(&first, "KILL");
    let (status, _) = wait_exit(first, Duration::from_secs(10)).await;
    assert!(!status.success(), "the worker was killed: {status:?}");
    assert_eq!(
        upload_status(&app, &id).await,
        "processing",
        "the job was killed in flight"
    );
    assert_eq!(app.db.count("SELECT count(*) AS n FROM media").await, 0);

    // The broker gets the unacknowledged job back when the dead worker's connection drops.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let depths = app.media_queue_depths().await;
        if depths.main == 1 {
            assert_eq!((depths.retry, depths.dead), (0, 0));
            break;
        }
        assert!(Instant::now() < deadline, "job not redelivered: {depths:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // A restarted worker finishes it.
    let second = start_worker(&app);
    let done = app
        .settled_upload(
            &ann,
            &id,
            Duration::from_millis(50),
            Duration::from_secs(60),
        )
        .await;
    assert_eq!(done["status"], "completed", "{done}");
    let media_id = done["processed_media_id"].as_str().unwrap().to_owned();
    // Let any duplicate delivery show itself before counting.
    tokio::time::sleep(Duration::from_millis(500)).await;
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
    assert_eq!(
        app.db
            .count(&format!(
                "SELECT count(*) AS n FROM media_uploads WHERE id = '{id}' \
                 AND status = 'completed' AND processed_media_id = '{media_id}'"
            ))
            .await,
        1
    );
    let base = format!("media/{}/{id}", ann.id);
    assert_eq!(
        app.bucket_keys("").await,
        vec![
            format!("{base}/medium.jpg"),
            format!("{base}/original.jpg"),
            format!("{base}/thumb.jpg"),
        ],
        "one set of derivatives, and the raw upload is gone"
    );
    let depths = app.media_queue_depths().await;
    assert_eq!((depths.main, depths.retry, depths.dead), (0, 0, 0));
    assert_eq!(
        app.db.count("SELECT count(*) AS n FROM job_outbox").await,
        0
    );

    signal(&second, "TERM");
    let (status, stderr) = wait_exit(second, Duration::from_secs(40)).await;
    assert!(status.success(), "{stderr}");
}
