//! `GET /metrics`: admin-protected on the API port, open on `METRICS_ADDR`.

use crate::assert_error;
use ciel_testkit::TestApp;

async fn metrics(app: &TestApp, token: Option<&str>) -> reqwest::Response {
    let mut req = app.client.get(app.url("/metrics"));
    if let Some(t) = token {
        req = req.header("x-admin-token", t);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn metrics_need_the_admin_token() {
    let app = TestApp::spawn().await;
    assert_error(metrics(&app, None).await, 403, "missing admin token").await;
    assert_error(
        metrics(&app, Some("wrong")).await,
        403,
        "invalid admin token",
    )
    .await;

    // Traffic first, so the request counters exist.
    assert_eq!(app.get("/health").await.status(), 200);
    let res = metrics(&app, app.admin_token.as_deref()).await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = res.text().await.unwrap();
    for needle in [
        "http_requests_total{method=\"GET\",path=\"/health\",status=\"200\"} 1",
        "http_request_duration_seconds_bucket",
        "notifications_dropped_total 0",
        "notifications_worker_failures_total 0",
        "cleanup_runs_total{job=\"stories\"} 0",
        "cleanup_failures_total{job=\"stale_uploads\"} 0",
        "db_pool_max 8",
        "db_pool_connections{state=\"idle\"}",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    // Unknown paths are one label, not one series per URL.
    assert_eq!(app.get("/random/abc").await.status(), 404);
    let text = metrics(&app, app.admin_token.as_deref())
        .await
        .text()
        .await
        .unwrap();
    assert!(text.contains("path=\"unmatched\""), "{text}");
    assert!(!text.contains("/random/abc"));
}

#[tokio::test]
async fn metrics_are_forbidden_when_no_admin_token_is_configured() {
    let app = TestApp::builder().without("ADMIN_TOKEN").spawn().await;
    assert_error(
        metrics(&app, Some("anything")).await,
        403,
        "admin token not configured",
    )
    .await;
    let app = TestApp::builder().env("ADMIN_TOKEN", "").spawn().await;
    assert_error(
        metrics(&app, Some("")).await,
        403,
        "admin token not configured",
    )
    .await;
}

#[tokio::test]
async fn the_private_metrics_listener_needs_no_token() {
    let app = TestApp::builder()
        .env("METRICS_ADDR", "127.0.0.1:0")
        .spawn()
        .await;
    let addr = app.metrics_addr.expect("metrics listener bound");
    let res = app
        .client
        .get(format!("http://{addr}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("db_pool_max"));
    // Only /metrics lives there.
    let other = app
        .client
        .get(format!("http://{addr}/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
}
