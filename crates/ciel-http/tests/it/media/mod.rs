//! Media (contract §2.7, §3.9): upload intents, the end-to-end flow over real S3 (s3s-fs) and
//! RabbitMQ, the serverless worker, media reads and deletes.
//!
//! The flow tests run the media job with [`images`], the real `ciel_media::ImagePipeline`;
//! `photos`, `limits` and `metadata` upload real JPEG, PNG and WebP files made in code
//! (`ciel_testkit::photos`) and decode what the store serves.

mod access;
mod flow;
mod intents;
mod lambda;
mod limits;
mod metadata;
mod photos;

use ciel_domain::ports::ImageProcessor;
use ciel_testkit::{TestApp, TestUser};
use reqwest::Method;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The image processor the flow tests run: the production pipeline.
pub fn images() -> Arc<dyn ImageProcessor> {
    Arc::new(ciel_media::ImagePipeline::default())
}

/// A TestApp that runs the media flow for real, with [`images`].
pub async fn media_app() -> TestApp {
    TestApp::builder().media().images(images()).spawn().await
}

/// `POST /v1/media/upload`; the response.
pub async fn intent(
    app: &TestApp,
    user: &TestUser,
    content_type: &str,
    bytes: i64,
) -> reqwest::Response {
    app.as_user(user, Method::POST, "/v1/media/upload")
        .json(&json!({"content_type": content_type, "bytes": bytes}))
        .send()
        .await
        .unwrap()
}

/// PUTs `body` to the intent's URL with its headers, `content_type` overriding its type.
pub async fn put(
    app: &TestApp,
    intent: &Value,
    body: Vec<u8>,
    content_type: Option<&str>,
) -> reqwest::StatusCode {
    let mut req = app.client.put(intent["upload_url"].as_str().unwrap());
    for h in intent["headers"].as_array().unwrap() {
        let name = h["name"].as_str().unwrap();
        let value = match content_type {
            Some(ct) if name.eq_ignore_ascii_case("content-type") => ct,
            _ => h["value"].as_str().unwrap(),
        };
        req = req.header(name, value);
    }
    req.body(body).send().await.unwrap().status()
}

/// Intent for `body` as `content_type`, PUT through the presigned URL; the upload id.
pub async fn upload(app: &TestApp, user: &TestUser, body: Vec<u8>, content_type: &str) -> String {
    let res = intent(app, user, content_type, body.len() as i64).await;
    assert_eq!(res.status(), 200);
    let intent: Value = res.json().await.unwrap();
    let status = put(app, &intent, body, None).await;
    assert!(status.is_success(), "presigned PUT: {status}");
    intent["upload_id"].as_str().unwrap().to_owned()
}

/// `POST /v1/media/upload/{id}/complete`.
pub async fn complete(app: &TestApp, user: &TestUser, id: &str) -> reqwest::Response {
    app.as_user(
        user,
        Method::POST,
        &format!("/v1/media/upload/{id}/complete"),
    )
    .send()
    .await
    .unwrap()
}

/// `GET /v1/media/upload/{id}/status`.
pub async fn status(app: &TestApp, user: &TestUser, id: &str) -> reqwest::Response {
    app.as_user(user, Method::GET, &format!("/v1/media/upload/{id}/status"))
        .send()
        .await
        .unwrap()
}

/// Polls the status until it is `want` (fails after 30 s, or when it settles elsewhere).
pub async fn poll_until(app: &TestApp, user: &TestUser, id: &str, want: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let res = status(app, user, id).await;
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        let now = body["status"].as_str().unwrap().to_owned();
        if now == want {
            return body;
        }
        assert!(
            !(["completed", "failed"].contains(&now.as_str())),
            "upload settled as {now}, expected {want}"
        );
        assert!(
            Instant::now() < deadline,
            "still {now} after 30 s, expected {want}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The value of `name{outcome="..."}`-style sample `sample` in `/metrics` (0 when absent).
pub async fn metric(app: &TestApp, sample: &str) -> f64 {
    let text = app.metrics_text().await;
    text.lines()
        .find_map(|l| l.strip_prefix(sample)?.trim().parse().ok())
        .unwrap_or(0.0)
}

/// Waits until `sample` reaches at least `value`.
pub async fn wait_metric(app: &TestApp, sample: &str, value: f64) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while metric(app, sample).await < value {
        assert!(Instant::now() < deadline, "{sample} never reached {value}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
