//! `POST /media/upload` rules and the owner-only status (no storage or broker needed: presigning
//! is local).

use super::{complete, intent, status};
use crate::assert_error;
use ciel_testkit::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn an_intent_binds_key_type_length_and_ttl() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    for (ct, ext) in [
        ("image/jpeg", "jpg"),
        ("image/png", "png"),
        ("image/webp", "webp"),
    ] {
        let res = intent(&app, &ann, ct, 1234).await;
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        let id = body["upload_id"].as_str().unwrap();
        assert_eq!(body["object_key"], format!("uploads/{}/{id}.{ext}", ann.id));
        assert_eq!(body["expires_in_seconds"], 900);
        assert_eq!(
            body["headers"],
            json!([{"name": "Content-Type", "value": ct}, {"name": "Content-Length", "value": "1234"}])
        );
        let url = body["upload_url"].as_str().unwrap();
        assert!(
            url.contains(&format!("uploads/{}/{id}.{ext}", ann.id)),
            "{url}"
        );
        assert!(
            url.contains("X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost"),
            "{url}"
        );
        let rows = app
            .db
            .count(&format!(
                "SELECT count(*) AS n FROM media_uploads WHERE id = '{id}' AND status = 'pending' \
                 AND content_type = '{ct}' AND bytes = 1234 AND owner_id = '{}'",
                ann.id
            ))
            .await;
        assert_eq!(rows, 1);
        let s: Value = status(&app, &ann, id).await.json().await.unwrap();
        assert_eq!(s, json!({"status": "pending", "processed_media_id": null}));
    }
}

#[tokio::test]
async fn bad_intents_get_the_contract_messages() {
    let app = TestApp::builder()
        .env("UPLOAD_MAX_BYTES", "1000")
        .spawn()
        .await;
    let ann = app.user("ann").await;
    assert_error(
        intent(&app, &ann, "image/png", 0).await,
        400,
        "bytes must be greater than 0",
    )
    .await;
    assert_error(
        intent(&app, &ann, "image/png", -1).await,
        400,
        "bytes must be greater than 0",
    )
    .await;
    assert_error(
        intent(&app, &ann, "image/png", 1001).await,
        400,
        "upload exceeds max size",
    )
    .await;
    assert_error(
        intent(&app, &ann, "image/gif", 10).await,
        400,
        "invalid upload request",
    )
    .await;
    assert_error(
        intent(&app, &ann, "video/mp4", 10).await,
        400,
        "invalid upload request",
    )
    .await;
    let res = app
        .client
        .post(app.url("/v1/media/upload"))
        .json(&json!({"content_type": "image/png", "bytes": 10}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM media_uploads")
            .await,
        0
    );
}

#[tokio::test]
async fn status_and_complete_are_owner_only() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let body: Value = intent(&app, &ann, "image/png", 10)
        .await
        .json()
        .await
        .unwrap();
    let id = body["upload_id"].as_str().unwrap();
    assert_error(status(&app, &bob, id).await, 404, "upload not found").await;
    assert_error(complete(&app, &bob, id).await, 404, "upload not found").await;
    let unknown = uuid::Uuid::new_v4().to_string();
    assert_error(status(&app, &ann, &unknown).await, 404, "upload not found").await;
    assert_error(
        complete(&app, &ann, &unknown).await,
        404,
        "upload not found",
    )
    .await;
    let res = app
        .as_user(&ann, Method::GET, "/v1/media/upload/not-a-uuid/status")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}
