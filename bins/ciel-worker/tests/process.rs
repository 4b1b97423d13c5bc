//! The real `ciel-worker` binary: runs in `worker` mode, stops cleanly, refuses other modes.

use ciel_testkit::process::{signal, spawn_binary, wait_exit};
use ciel_testkit::{TestDb, app_env};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_ciel-worker");

#[tokio::test]
async fn worker_stops_cleanly_on_sigterm() {
    let db = TestDb::migrated().await;
    let mut env = app_env(&db);
    env.insert("APP_MODE".into(), "worker".into());
    env.insert("RUST_LOG".into(), "info".into());
    let child = spawn_binary(BIN, &env);
    // Give it time to connect, then ask it to stop.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    signal(&child, "TERM");
    let (status, stderr) = wait_exit(child, Duration::from_secs(15)).await;
    assert!(status.success(), "{stderr}");
}

#[tokio::test]
async fn api_mode_is_refused_naming_ciel_api() {
    let db = TestDb::migrated().await;
    let env = app_env(&db); // APP_MODE=api
    let (status, stderr) = wait_exit(spawn_binary(BIN, &env), Duration::from_secs(15)).await;
    assert_eq!(status.code(), Some(1));
    assert!(
        stderr.contains("ciel-worker does not serve APP_MODE=api; run ciel-api instead"),
        "{stderr}"
    );
}

#[tokio::test]
async fn worker_serves_its_metrics_on_metrics_addr() {
    let db = TestDb::migrated().await;
    let mut env = app_env(&db);
    env.insert("APP_MODE".into(), "worker".into());
    let port = ciel_testkit::process::free_port();
    env.insert("METRICS_ADDR".into(), format!("127.0.0.1:{port}"));
    let child = spawn_binary(BIN, &env);
    let url = format!("http://127.0.0.1:{port}/metrics");
    ciel_testkit::process::wait_for_ok(&url, Duration::from_secs(20)).await;
    // The cleanup loop runs at start; the pool and the media series are there from the start.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let text = loop {
        let text = reqwest::get(&url).await.unwrap().text().await.unwrap();
        if text.contains("cleanup_runs_total{job=\"stories\"} 1") {
            break text;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no cleanup run:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    for needle in [
        "db_pool_max 8",
        "db_pool_wait_seconds_count",
        "media_jobs_total{outcome=\"completed\"} 0",
        "queue_depth{queue=\"dead_letter\"}",
        "job_outbox_depth",
        "notifications_dropped_total 0",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    signal(&child, "TERM");
    let (status, stderr) = wait_exit(child, Duration::from_secs(15)).await;
    assert!(status.success(), "{stderr}");
}
