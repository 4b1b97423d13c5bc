//! `GET /health` and `GET /ready`.

use crate::{assert_error_shape, json};
use ciel_testkit::{TestApp, TestDb};

#[tokio::test]
async fn health_is_ok_when_database_and_redis_answer() {
    let app = TestApp::spawn().await;
    let res = app.get("/health").await;
    assert_eq!(res.status(), 200);
    assert_eq!(json(res).await, serde_json::json!({"status": "ok"}));
}

#[tokio::test]
async fn health_is_degraded_but_200_when_redis_is_down() {
    // Nothing listens on port 1.
    let app = TestApp::builder()
        .env("REDIS_URL", "redis://127.0.0.1:1/")
        .spawn()
        .await;
    let res = app.get("/health").await;
    assert_eq!(res.status(), 200);
    assert_eq!(json(res).await, serde_json::json!({"status": "degraded"}));
}

#[tokio::test]
async fn ready_reports_the_embedded_schema_version() {
    let app = TestApp::spawn().await;
    let res = app.get("/ready").await;
    assert_eq!(res.status(), 200);
    let body = json(res).await;
    assert_eq!(body["status"], "ready");
    assert_eq!(
        body["schema_version"],
        ciel_storage::expected_schema_version()
    );
}

#[tokio::test]
async fn ready_is_503_on_an_unmigrated_database() {
    let empty = TestDb::empty().await;
    let app = TestApp::builder()
        .env("DATABASE_URL", empty.url())
        .spawn()
        .await;
    let res = app.get("/ready").await;
    assert!(res.headers().contains_key("retry-after"));
    let message = assert_error_shape(res, 503).await;
    assert!(
        message.starts_with("not ready: schema version is none"),
        "{message}"
    );
}
