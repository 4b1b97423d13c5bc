//! The real `ciel-lambda` binary: `serverless-worker` mode answers `/health` without PASETO keys
//! or a broker, stops cleanly, and refuses other modes.

use ciel_testkit::process::{free_port, signal, spawn_binary, wait_exit, wait_for_ok};
use ciel_testkit::{TestDb, app_env};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_ciel-lambda");

#[tokio::test]
async fn serverless_worker_serves_health_and_stops_cleanly() {
    let db = TestDb::migrated().await;
    let port = free_port();
    let mut env = app_env(&db);
    for k in [
        "PASETO_ACCESS_KEY",
        "PASETO_REFRESH_KEY",
        "AMQP_URL",
        "REDIS_URL",
    ] {
        env.remove(k);
    }
    env.insert("APP_MODE".into(), "serverless-worker".into());
    env.insert("HTTP_ADDR".into(), format!("127.0.0.1:{port}"));
    let child = spawn_binary(BIN, &env);
    wait_for_ok(
        &format!("http://127.0.0.1:{port}/health"),
        Duration::from_secs(30),
    )
    .await;
    let body = reqwest::get(format!("http://127.0.0.1:{port}/health"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(body, r#"{"status":"ok"}"#);
    signal(&child, "TERM");
    let (status, stderr) = wait_exit(child, Duration::from_secs(15)).await;
    assert!(status.success(), "{stderr}");
}

#[tokio::test]
async fn api_mode_is_refused_naming_ciel_api() {
    let db = TestDb::migrated().await;
    let env = app_env(&db);
    let (status, stderr) = wait_exit(spawn_binary(BIN, &env), Duration::from_secs(15)).await;
    assert_eq!(status.code(), Some(1));
    assert!(
        stderr.contains("ciel-lambda does not serve APP_MODE=api; run ciel-api instead"),
        "{stderr}"
    );
}
