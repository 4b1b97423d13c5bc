//! Rate limits at the edge: per IP and per user, 429 bodies and headers, the true wait, and the
//! in-process fallback while Redis is down.

use crate::{assert_error, json};
use ciel_testkit::TestApp;
use reqwest::Method;
use serde_json::json;

async fn limited_app(extra: &[(&str, &str)]) -> TestApp {
    let mut builder = TestApp::builder().env("RATE_LIMIT_ENABLED", "true");
    for (k, v) in extra {
        builder = builder.env(k, v);
    }
    builder.spawn().await
}

async fn bad_login(app: &TestApp) -> reqwest::Response {
    app.post_json(
        "/v1/auth/login",
        &json!({"email": "nobody@example.com", "password": "Wrong1234"}),
    )
    .await
}

#[tokio::test]
async fn logins_are_limited_per_ip_with_the_true_wait() {
    let app = limited_app(&[]).await;
    for _ in 0..10 {
        let res = bad_login(&app).await;
        assert_eq!(res.status(), 401, "failed logins count too");
        assert!(
            !res.headers().contains_key("x-ratelimit-limit"),
            "IP-limited successes carry no headers"
        );
    }
    let res = bad_login(&app).await;
    assert_eq!(res.headers()["x-ratelimit-limit"], "10");
    assert_eq!(res.headers()["x-ratelimit-remaining"], "0");
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    // 10 per hour, smoothly: the next slot opens within one emission interval (360 s).
    assert!((1..=360).contains(&wait), "retry-after {wait}");
    assert_error(
        res,
        429,
        "Too many attempts from your IP address. Please try again later.",
    )
    .await;
}

#[tokio::test]
async fn sign_ups_use_the_configured_daily_ip_limit() {
    let app = limited_app(&[("IP_SIGNUP_RATE_LIMIT", "2")]).await;
    for handle in ["ann", "bob"] {
        let code = app.admin_invite().await;
        assert_eq!(app.sign_up_with(handle, &code).await.status(), 200);
    }
    let code = app.admin_invite().await;
    let res = app.sign_up_with("cat", &code).await;
    assert_error(
        res,
        429,
        "Too many attempts from your IP address. Please try again later.",
    )
    .await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_ip_has_its_own_budget() {
    let app = limited_app(&[("TRUSTED_PROXY_CIDRS", "127.0.0.1/32")]).await;
    let login = |ip: &'static str| {
        app.client
            .post(app.url("/v1/auth/login"))
            .header("x-forwarded-for", ip)
            .json(&json!({"email": "x@example.com", "password": "Wrong1234"}))
            .send()
    };
    for _ in 0..10 {
        assert_eq!(login("203.0.113.1").await.unwrap().status(), 401);
    }
    assert_eq!(login("203.0.113.1").await.unwrap().status(), 429);
    assert_eq!(
        login("203.0.113.2").await.unwrap().status(),
        401,
        "another client is unaffected"
    );
}

#[tokio::test]
async fn user_limits_follow_the_trust_level_and_report_headers() {
    let app = limited_app(&[]).await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let path = format!("/v1/moderation/users/{}/flag", bob.id);
    // New users: 20 moderation requests per hour. Refused duplicates (409) still count.
    for i in 0..20 {
        let res = app.as_user(&ann, Method::POST, &path).send().await.unwrap();
        assert_eq!(res.status(), if i == 0 { 200 } else { 409 });
        assert_eq!(res.headers()["x-ratelimit-limit"], "20");
        assert_eq!(
            res.headers()["x-ratelimit-remaining"],
            (19 - i).to_string().as_str()
        );
    }
    let res = app.as_user(&ann, Method::POST, &path).send().await.unwrap();
    assert!(res.headers().contains_key("retry-after"));
    assert_error(
        res,
        429,
        "Rate limit exceeded for action: moderation. Please try again later.",
    )
    .await;
    // Another user has their own budget; unauthenticated requests are not user-limited.
    let res = app
        .as_user(
            &bob,
            Method::POST,
            &format!("/v1/moderation/users/{}/flag", ann.id),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let anon = app.client.post(app.url(&path)).send().await.unwrap();
    assert_error(anon, 401, "missing Authorization header").await;

    let metrics = app.metrics_text().await;
    assert!(
        metrics.contains("ratelimit_rejections_total{action=\"moderation\",class=\"user\"} 1"),
        "{metrics}"
    );
}

#[tokio::test]
async fn rate_limits_view_reports_the_level_and_remaining() {
    let app = limited_app(&[]).await;
    let ann = app.user("ann").await;
    let v = json(
        app.as_user(&ann, Method::GET, "/v1/account/rate-limits")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        v,
        json!({
            "trust_level": "New", "posts_per_hour": 1, "posts_per_day": 5, "follows_per_hour": 5,
            "follows_per_day": 20, "likes_per_hour": 30, "comments_per_hour": 10,
            "media_read_per_hour": 5000, "media_upload_per_hour": 10,
            "remaining": {"posts": 1, "follows": 5, "likes": 30, "comments": 10, "media_read": 5000, "media_upload": 10}
        })
    );
}

#[tokio::test]
async fn a_redis_outage_falls_back_to_in_process_limits_not_500s() {
    let app = limited_app(&[("REDIS_URL", "redis://127.0.0.1:1/")]).await;
    for _ in 0..10 {
        assert_eq!(bad_login(&app).await.status(), 401);
    }
    assert_eq!(
        bad_login(&app).await.status(),
        429,
        "the policy still holds"
    );
    let metrics = app.metrics_text().await;
    let fallback: f64 = metrics
        .lines()
        .find(|l| l.starts_with("ratelimit_fallback_total "))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .expect("ratelimit_fallback_total exported");
    assert!(fallback >= 11.0, "{fallback}");
}
