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

#[tokio::test]
async fn ready_is_503_while_the_latest_migration_is_missing_and_200_once_applied() {
    let app = TestApp::spawn().await;
    let expected = ciel_storage::expected_schema_version();
    let versions = ciel_storage::migrations::embedded_versions();
    let previous = &versions[versions.len() - 2];
    ciel_storage::migrations::revert_last(app.db.url())
        .await
        .expect("revert the latest migration");

    // A rolling deploy's new instance on the old schema takes no traffic.
    let res = app.get("/ready").await;
    assert!(res.headers().contains_key("retry-after"));
    let message = assert_error_shape(res, 503).await;
    assert_eq!(
        message,
        format!("not ready: schema version is {previous}, this build expects {expected}")
    );

    // The migration job runs: the same instance becomes ready (after the 1 s answer reuse).
    ciel_storage::run_pending(app.db.url())
        .await
        .expect("apply the latest migration");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let res = app.get("/ready").await;
    assert_eq!(res.status(), 200);
    assert_eq!(json(res).await["schema_version"], expected);
}
