//! The real `ciel-api` binary: serves, refuses modes it does not serve, fails fast on bad
//! configuration, and stops cleanly on SIGTERM and SIGINT.

use ciel_testkit::process::{free_port, signal, spawn_binary, wait_exit, wait_for_ok};
use ciel_testkit::{TestDb, app_env};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_ciel-api");

async fn serves_then_stops_on(sig: &str, mode: &str) {
    let db = TestDb::migrated().await;
    let port = free_port();
    let mut env = app_env(&db);
    env.insert("APP_MODE".into(), mode.into());
    env.insert("HTTP_ADDR".into(), format!("127.0.0.1:{port}"));
    let child = spawn_binary(BIN, &env);
    wait_for_ok(
        &format!("http://127.0.0.1:{port}/health"),
        Duration::from_secs(30),
    )
    .await;
    signal(&child, sig);
    let (status, stderr) = wait_exit(child, Duration::from_secs(15)).await;
    assert!(status.success(), "exit {status:?}; stderr:\n{stderr}");
}

#[tokio::test]
async fn api_mode_stops_cleanly_on_sigterm() {
    serves_then_stops_on("TERM", "api").await;
}

#[tokio::test]
async fn combined_mode_stops_cleanly_on_sigint() {
    serves_then_stops_on("INT", "combined").await;
}

#[tokio::test]
async fn other_modes_are_refused_with_the_right_binary_named() {
    let db = TestDb::migrated().await;
    for (mode, right) in [
        ("worker", "ciel-worker"),
        ("serverless-worker", "ciel-lambda"),
    ] {
        let mut env = app_env(&db);
        env.insert("APP_MODE".into(), mode.into());
        let (status, stderr) = wait_exit(spawn_binary(BIN, &env), Duration::from_secs(15)).await;
        assert_eq!(status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains(&format!(
                "ciel-api does not serve APP_MODE={mode}; run {right} instead"
            )),
            "{stderr}"
        );
    }
}

#[tokio::test]
async fn bad_configuration_fails_fast_naming_each_variable() {
    let db = TestDb::migrated().await;
    let mut env = app_env(&db);
    env.remove("DATABASE_URL");
    env.insert("HTTP_ADDR".into(), "everywhere".into());
    env.insert("APP_MODE".into(), "web".into());
    env.insert("PASETO_ACCESS_KEY".into(), "dG9vIHNob3J0".into());
    let (status, stderr) = wait_exit(spawn_binary(BIN, &env), Duration::from_secs(15)).await;
    assert_eq!(status.code(), Some(2), "{stderr}");
    for needle in [
        "DATABASE_URL: is required",
        "HTTP_ADDR: must be ip:port",
        "APP_MODE: must be one of api, worker, combined, serverless-worker",
        "PASETO_ACCESS_KEY: must decode to exactly 32 bytes, got 9",
    ] {
        assert!(stderr.contains(needle), "missing {needle:?} in:\n{stderr}");
    }
    assert!(
        !stderr.contains(&env["ADMIN_TOKEN"]),
        "secrets never reach the output"
    );
}

#[tokio::test]
async fn migrate_on_start_brings_an_empty_database_to_ready() {
    let db = TestDb::empty().await;
    let port = free_port();
    let mut env = app_env(&db);
    env.insert("MIGRATE_ON_START".into(), "true".into());
    env.insert("HTTP_ADDR".into(), format!("127.0.0.1:{port}"));
    let child = spawn_binary(BIN, &env);
    wait_for_ok(
        &format!("http://127.0.0.1:{port}/ready"),
        Duration::from_secs(30),
    )
    .await;
    signal(&child, "TERM");
    let (status, stderr) = wait_exit(child, Duration::from_secs(15)).await;
    assert!(status.success(), "{stderr}");
}

#[tokio::test]
async fn a_short_admin_token_is_refused_at_start() {
    let db = TestDb::migrated().await;
    let mut env = app_env(&db);
    env.insert("ADMIN_TOKEN".into(), "too-short-admin-secret".into());
    let (status, stderr) = wait_exit(spawn_binary(BIN, &env), Duration::from_secs(15)).await;
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("ADMIN_TOKEN: must be at least 32 characters, got 22"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("too-short-admin-secret"),
        "the secret never reaches the output"
    );
}

fn run_to_exit(
    args: &[&str],
    env: &std::collections::HashMap<String, String>,
) -> std::process::Child {
    std::process::Command::new(BIN)
        .args(args)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .envs(env)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawning ciel-api")
}

#[tokio::test]
async fn migrate_subcommand_migrates_an_empty_database_then_exits() {
    let db = TestDb::empty().await;
    let env = app_env(&db);
    // Twice: the second run finds nothing to do and still succeeds (the Job may be re-run).
    for run in 1..=2 {
        let (status, stderr) =
            wait_exit(run_to_exit(&["migrate"], &env), Duration::from_secs(60)).await;
        assert!(
            status.success(),
            "run {run}: exit {status:?}; stderr:\n{stderr}"
        );
    }
    // A server started without MIGRATE_ON_START is ready at once: the schema is current.
    let port = free_port();
    let mut env = env;
    env.insert("HTTP_ADDR".into(), format!("127.0.0.1:{port}"));
    let child = spawn_binary(BIN, &env);
    wait_for_ok(
        &format!("http://127.0.0.1:{port}/ready"),
        Duration::from_secs(30),
    )
    .await;
    signal(&child, "TERM");
    let (status, stderr) = wait_exit(child, Duration::from_secs(15)).await;
    assert!(status.success(), "{stderr}");
}

#[tokio::test]
async fn an_unknown_argument_is_refused_with_the_usage() {
    let db = TestDb::migrated().await;
    let (status, stderr) = wait_exit(
        run_to_exit(&["migrat"], &app_env(&db)),
        Duration::from_secs(15),
    )
    .await;
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("usage: ciel-api [migrate]"), "{stderr}");
}
