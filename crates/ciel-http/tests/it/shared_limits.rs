//! Two API instances sharing one Redis (and key prefix) enforce one combined limit; while that
//! Redis is down each falls back to its own in-process limits; once it is back, the shared limit
//! holds again.

use crate::assert_error;
use ciel_testkit::{DedicatedRedis, TestApp, TestAppBuilder};
use serde_json::json;
use std::time::{Duration, Instant};

const IP_LIMITED: &str = "Too many attempts from your IP address. Please try again later.";

async fn bad_login(app: &TestApp) -> reqwest::Response {
    app.post_json(
        "/v1/auth/login",
        &json!({"email": "nobody@example.com", "password": "Wrong1234"}),
    )
    .await
}

async fn fallback_decisions(app: &TestApp) -> u64 {
    let text = app.metrics_text().await;
    text.lines()
        .find(|l| l.starts_with("ratelimit_fallback_total "))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .expect("ratelimit_fallback_total exported") as u64
}

/// Polls (with a cheap IP-limited request) until `app` decides in Redis again.
async fn back_on_redis(app: &TestApp) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let before = fallback_decisions(app).await;
        let res = app.get("/v1/invites/validate/PROBE123").await;
        assert_eq!(res.status(), 200);
        if fallback_decisions(app).await == before {
            return;
        }
        assert!(Instant::now() < deadline, "still in fallback after 20 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Ten logins alternating between the instances pass; the next is refused on both.
async fn one_combined_budget(a: &TestApp, b: &TestApp) {
    for i in 0..10 {
        let app = if i % 2 == 0 { a } else { b };
        assert_eq!(bad_login(app).await.status(), 401, "login #{i}");
    }
    assert_error(bad_login(a).await, 429, IP_LIMITED).await;
    assert_error(bad_login(b).await, 429, IP_LIMITED).await;
}

#[tokio::test]
async fn two_instances_share_one_limit_fall_back_alone_and_share_again() {
    let mut redis = DedicatedRedis::start().await;
    let a = TestApp::builder()
        .env("RATE_LIMIT_ENABLED", "true")
        .env("REDIS_URL", &redis.url())
        .spawn()
        .await;
    let b = TestAppBuilder::beside(&a)
        .env("RATE_LIMIT_ENABLED", "true")
        .spawn()
        .await;
    one_combined_budget(&a, &b).await;
    assert_eq!(fallback_decisions(&a).await, 0);
    assert_eq!(fallback_decisions(&b).await, 0);

    // Redis goes away: each instance limits alone, with the same policy, and never fails.
    redis.stop();
    for i in 0..10 {
        assert_eq!(bad_login(&a).await.status(), 401, "A alone, #{i}");
    }
    assert_error(bad_login(&a).await, 429, IP_LIMITED).await;
    assert_eq!(
        bad_login(&b).await.status(),
        401,
        "B has its own in-process budget"
    );
    assert!(fallback_decisions(&a).await >= 11);

    // Redis comes back (empty): both decide there again, against one budget.
    redis.resume().await;
    back_on_redis(&a).await;
    back_on_redis(&b).await;
    one_combined_budget(&a, &b).await;
}
