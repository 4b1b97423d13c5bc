//! The database pool under exhaustion: a request that finds no free connection within
//! `DB_CONNECT_TIMEOUT_SECONDS` is answered 503 with the contract's JSON body, quickly, and the
//! pool's settings, waits and timeouts show in `/metrics`.

use crate::assert_error;
use ciel_testkit::{HeldTx, TEST_PASSWORD, TestApp};
use std::time::{Duration, Instant};

fn login_body(email: &str) -> serde_json::Value {
    serde_json::json!({"email": email, "password": TEST_PASSWORD})
}

#[tokio::test]
async fn an_exhausted_pool_answers_503_quickly_instead_of_hanging() {
    let app = TestApp::builder()
        .env("DB_MAX_CONNECTIONS", "1")
        .env("DB_CONNECT_TIMEOUT_SECONDS", "1")
        .env("DB_IDLE_TIMEOUT_SECONDS", "120")
        .env("DB_MAX_LIFETIME_SECONDS", "900")
        .spawn()
        .await;
    let user = app.user("pooled").await;

    // The app's only connection gets stuck behind a lock the test holds: a login reads `users`.
    let lock = HeldTx::begin(app.db.url(), "LOCK TABLE users IN ACCESS EXCLUSIVE MODE").await;
    let first = tokio::spawn({
        let client = app.client.clone();
        let url = app.url("/v1/auth/login");
        let body = login_body(&user.email);
        async move { client.post(url).json(&body).send().await.unwrap() }
    });
    // Until the first login holds the connection (it waits on the lock, in Postgres).
    let mut held = false;
    for _ in 0..100 {
        let waiting: i64 = app
            .db
            .scalar(
                "SELECT count(*) FROM pg_stat_activity \
                 WHERE datname = current_database() AND wait_event_type = 'Lock'",
            )
            .await;
        if waiting > 0 {
            held = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(held, "the first login never reached the lock");

    let started = Instant::now();
    let second = app
        .post_json("/v1/auth/login", &login_body(&user.email))
        .await;
    let waited = started.elapsed();
    assert_eq!(
        second.headers().get("retry-after").map(|v| v.as_bytes()),
        Some(&b"1"[..])
    );
    assert_error(second, 503, "database busy, please retry").await;
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(4),
        "the refusal came after {waited:?}; the acquire timeout is 1 s"
    );

    lock.release().await;
    let first = first.await.unwrap();
    assert_eq!(
        first.status(),
        200,
        "the held request completes once the lock goes"
    );

    let text = app.metrics_text().await;
    for needle in [
        "db_pool_max 1",
        "db_pool_timeout_seconds{setting=\"connect\"} 1",
        "db_pool_timeout_seconds{setting=\"idle\"} 120",
        "db_pool_timeout_seconds{setting=\"max_lifetime\"} 900",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    let value = |name: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
            .unwrap_or_else(|| panic!("no {name} in:\n{text}"))
            .parse()
            .unwrap()
    };
    // At least the refused login (the outbox relay may also have found the pool empty).
    assert!(value("db_pool_timeouts_total") >= 1.0, "{text}");
    // The refused checkout waited about a second: it sits in the 1 s < wait <= 2.5 s bucket.
    let bucket = |le: &str| -> u64 {
        let prefix = format!("db_pool_wait_seconds_bucket{{le=\"{le}\"}} ");
        text.lines()
            .find_map(|l| l.strip_prefix(prefix.as_str()))
            .unwrap_or_else(|| panic!("no bucket {le} in:\n{text}"))
            .parse()
            .unwrap()
    };
    assert!(bucket("2.5") > bucket("0.5"), "{text}");
}
