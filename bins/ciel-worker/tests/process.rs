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
