//! What every response carries, and the JSON error shape for everything the framework rejects.

use crate::assert_error;
use ciel_testkit::TestApp;

#[tokio::test]
async fn security_headers_request_id_and_served_by_are_on_every_response() {
    let app = TestApp::spawn().await;
    for res in [app.get("/health").await, app.get("/nope").await] {
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["x-xss-protection"], "1; mode=block");
        assert_eq!(
            h["content-security-policy"],
            "default-src 'none'; frame-ancestors 'none'"
        );
        assert_eq!(h["referrer-policy"], "no-referrer");
        assert_eq!(h["cache-control"], "no-store, no-cache, must-revalidate");
        assert_eq!(h["x-ciel-served-by"], "rust");
        // Local host: no HSTS.
        assert!(!h.contains_key("strict-transport-security"));
        let id = h["x-request-id"].to_str().unwrap();
        assert!(
            uuid::Uuid::parse_str(id).is_ok(),
            "generated request id {id:?}"
        );
    }
}

#[tokio::test]
async fn client_request_id_is_echoed_and_hsts_is_sent_for_public_hosts() {
    let app = TestApp::builder()
        .env("CIEL_SERVED_BY", "edge-7")
        .spawn()
        .await;
    let res = app
        .client
        .get(app.url("/health"))
        .header("x-request-id", "req-abc-123")
        .header("host", "api.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "req-abc-123");
    assert_eq!(res.headers()["x-ciel-served-by"], "edge-7");
    assert_eq!(
        res.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
}

#[tokio::test]
async fn unknown_routes_are_json_404s() {
    let app = TestApp::spawn().await;
    assert_error(app.get("/nope").await, 404, "not found").await;
    assert_error(app.get("/v1/definitely/not/here").await, 404, "not found").await;
}

#[tokio::test]
async fn wrong_method_is_a_json_405() {
    let app = TestApp::spawn().await;
    let res = app.client.post(app.url("/health")).send().await.unwrap();
    assert_error(res, 405, "method not allowed").await;
}

#[tokio::test]
async fn https_is_enforced_behind_trusted_proxies_with_an_empty_403() {
    let app = TestApp::builder()
        .env("TRUSTED_PROXY_CIDRS", "127.0.0.1/32")
        .spawn()
        .await;
    let plain = app
        .client
        .get(app.url("/health"))
        .header("host", "api.example.com")
        .header("x-forwarded-proto", "http")
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 403);
    assert_eq!(plain.text().await.unwrap(), "");

    let missing = app
        .client
        .get(app.url("/health"))
        .header("host", "api.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(
        missing.status(),
        403,
        "a missing X-Forwarded-Proto counts as http"
    );

    let https = app
        .client
        .get(app.url("/health"))
        .header("host", "api.example.com")
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    assert_eq!(https.status(), 200);

    let local = app.get("/health").await;
    assert_eq!(
        local.status(),
        200,
        "local hosts are never redirected or refused"
    );
}

#[tokio::test]
async fn untrusted_peers_are_not_checked_for_https() {
    let app = TestApp::spawn().await;
    let res = app
        .client
        .get(app.url("/health"))
        .header("host", "api.example.com")
        .header("x-forwarded-proto", "http")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn preflight_requests_learn_methods_but_no_origin_is_allowed() {
    let app = TestApp::spawn().await;
    let res = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/v1/admin/invites"))
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(
        res.headers()["access-control-allow-methods"],
        "GET, POST, PATCH, DELETE, OPTIONS"
    );
    assert!(!res.headers().contains_key("access-control-allow-origin"));
}

#[tokio::test]
async fn responses_are_gzip_compressed_when_asked() {
    let app = TestApp::spawn().await;
    let res = app
        .client
        .get(app.url("/nope"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
}
