//! HTTP integration tests: the real app over real HTTP against real Postgres and Redis.

mod admin;
mod auth;
mod avatars;
mod edge;
mod edge_hardening;
mod engagement;
mod feed;
mod feed_gate;
mod gate;
mod graph;
mod health;
mod invites;
mod media;
mod metrics;
mod metrics_series;
mod moderation;
mod notifications;
mod openapi;
mod pagination;
mod pool;
mod postgres_only;
mod posts;
mod ratelimit;
mod rollout;
mod search;
mod shared_limits;
mod signup;
mod stories;
mod users;

/// Parses a response body as JSON, failing the test with the body text when it is not JSON.
pub async fn json(res: reqwest::Response) -> serde_json::Value {
    let text = res.text().await.expect("body");
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("body is not JSON: {text:?}"))
}

/// Asserts the contract's error body: `{"error": message, "message": message}` and nothing else.
pub async fn assert_error(res: reqwest::Response, status: u16, message: &str) {
    assert_eq!(res.status().as_u16(), status, "status");
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(ct.starts_with("application/json"), "content-type {ct:?}");
    let body = json(res).await;
    assert_eq!(
        body,
        serde_json::json!({"error": message, "message": message})
    );
}

/// Asserts an error body in the contract's shape with any message; returns the message.
pub async fn assert_error_shape(res: reqwest::Response, status: u16) -> String {
    assert_eq!(res.status().as_u16(), status, "status");
    let body = json(res).await;
    let error = body["error"]
        .as_str()
        .expect("error is a string")
        .to_owned();
    assert!(!error.is_empty());
    assert_eq!(body["message"], body["error"]);
    assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
    error
}
