//! Postgres alone (what `cargo xtask dev` runs on a laptop without Redis, RabbitMQ or S3): the
//! in-process cache, limiter and job queue and the local-directory object store, whose signed
//! URLs the API serves. The local store passes the same `object_store_suite` as S3, and an
//! upload goes from presigned PUT to completed media through the real image pipeline.

use crate::media::{complete, images, poll_until, put, upload};
use ciel_media::LocalDirStore;
use ciel_testkit::TestApp;
use ciel_testkit::conformance::object_store_suite;
use ciel_testkit::images::png;
use reqwest::Method;
use serde_json::Value;
use std::sync::Arc;

#[tokio::test]
async fn the_local_directory_store_passes_the_object_store_suite() {
    let dir = std::env::temp_dir().join(format!("ciel-local-store-{}", uuid::Uuid::new_v4()));
    let store = Arc::new(LocalDirStore::new(&dir, [42; 32]).unwrap());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    store.set_public_origin(&format!("http://{}", listener.local_addr().unwrap()));
    let routes_store = store.clone();
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new().service(ciel_runtime::local_objects::routes(
            routes_store.clone(),
            1 << 20,
        ))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .unwrap()
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    object_store_suite(store.as_ref(), "conformance/").await;
    handle.stop(true).await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn with_postgres_alone_the_app_is_ready_and_processes_an_upload() {
    let app = TestApp::builder()
        .postgres_only()
        .images(images())
        .spawn()
        .await;
    let res = app.get("/ready").await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);

    let ann = app.user("ann").await;
    // The presigned PUT goes to the app itself and is bound to type and length.
    let intent: Value = crate::media::intent(&app, &ann, "image/png", 10)
        .await
        .json()
        .await
        .unwrap();
    let url = intent["upload_url"].as_str().unwrap();
    assert!(
        url.starts_with(&app.url("/_local-objects/uploads/")),
        "{url}"
    );
    assert_eq!(
        put(&app, &intent, vec![0; 10], Some("image/jpeg")).await,
        403
    );
    let longer = app
        .client
        .put(url)
        .header("content-type", "image/png")
        .body(vec![0; 11])
        .send()
        .await
        .unwrap();
    assert_eq!(longer.status(), 403, "11 bytes where 10 were signed");

    let photo = png(300, 200);
    let id = upload(&app, &ann, photo, "image/png").await;
    assert_eq!(complete(&app, &ann, &id).await.status(), 202);
    let done = poll_until(&app, &ann, &id, "completed").await;
    let media_id = done["processed_media_id"].as_str().unwrap();
    let media: Value = app
        .as_user(&ann, Method::GET, &format!("/v1/media/{media_id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (media["width"].as_i64(), media["height"].as_i64()),
        (Some(300), Some(200))
    );
    for field in ["thumb_url", "medium_url", "original_url"] {
        let res = app
            .client
            .get(media[field].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{field}");
        assert_eq!(
            res.headers()["cache-control"],
            "public, max-age=31536000, immutable",
            "{field}"
        );
        assert_eq!(res.headers()["content-type"], "image/png", "{field}");
        let bytes = res.bytes().await.unwrap();
        assert_eq!(&bytes[..4], b"\x89PNG", "{field}");
    }

    // The in-process cache serves the feed (a second read is a hit).
    for _ in 0..2 {
        let res = app
            .as_user(&ann, Method::GET, "/v1/feed")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    assert!(crate::media::metric(&app, "feed_cache_requests_total{result=\"hit\"}").await >= 1.0);
    app.stop().await;
}
