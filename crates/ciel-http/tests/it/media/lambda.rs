//! The serverless worker's `POST /`: 200 on success or permanent failure, 500 on a transient
//! failure, 400 for a body that is not a job; `GET /health`.

use super::images;
use ciel_domain::ports::ObjectStore;
use ciel_testkit::images::png;
use ciel_testkit::lambda::TestLambda;
use serde_json::{Value, json};

/// Inserts a user and an `uploaded` upload of `bytes` bytes; (owner, upload, key).
async fn uploaded(lambda: &TestLambda, bytes: usize) -> (String, String, String) {
    let owner = uuid::Uuid::new_v4();
    let upload = uuid::Uuid::new_v4();
    let key = format!("uploads/{owner}/{upload}.png");
    lambda
        .db
        .run_sql(&format!(
            "INSERT INTO users (id, handle, email, display_name) \
             VALUES ('{owner}', 'u{}', '{owner}@example.com', 'U'); \
             INSERT INTO media_uploads (id, owner_id, original_key, content_type, bytes, status, uploaded_at) \
             VALUES ('{upload}', '{owner}', '{key}', 'image/png', {bytes}, 'uploaded', now());",
            &owner.simple().to_string()[..12]
        ))
        .await;
    (owner.to_string(), upload.to_string(), key)
}

async fn post(lambda: &TestLambda, body: String) -> (u16, Value) {
    let res = lambda
        .client
        .post(format!("{}/", lambda.base_url))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn job(owner: &str, upload: &str, key: &str) -> String {
    json!({"upload_id": upload, "owner_id": owner, "original_key": key}).to_string()
}

#[tokio::test]
async fn post_runs_one_job_and_answers_by_outcome() {
    let lambda = TestLambda::spawn(Some(images())).await;
    let health = lambda
        .client
        .get(format!("{}/health", lambda.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);

    // Not a job: 400.
    let (status, _) = post(&lambda, "{nope".into()).await;
    assert_eq!(status, 400);

    // The original is not in storage (yet): transient, 500, still `uploaded`… well, claimed.
    let photo = png(20, 10);
    let (owner, upload, key) = uploaded(&lambda, photo.len()).await;
    let (status, _) = post(&lambda, job(&owner, &upload, &key)).await;
    assert_eq!(status, 500);
    let processing = format!(
        "SELECT count(*) AS n FROM media_uploads WHERE id = '{upload}' AND status = 'processing'"
    );
    assert_eq!(lambda.db.count(&processing).await, 1);

    // Once it is there, the retry completes: 200.
    lambda
        .store
        .put(&key, photo, "image/png", "no-cache")
        .await
        .unwrap();
    let (status, body) = post(&lambda, job(&owner, &upload, &key)).await;
    assert_eq!((status, body), (200, json!({"status": "completed"})));
    // A redelivery is stale: 200, nothing new.
    let (status, body) = post(&lambda, job(&owner, &upload, &key)).await;
    assert_eq!((status, body), (200, json!({"status": "stale"})));
    assert_eq!(lambda.db.count("SELECT count(*) AS n FROM media").await, 1);

    // A corrupt file fails permanently: 200 (consumed), upload `failed`.
    let (owner, upload, key) = uploaded(&lambda, 5).await;
    lambda
        .store
        .put(&key, b"junk!".to_vec(), "image/png", "no-cache")
        .await
        .unwrap();
    let (status, body) = post(&lambda, job(&owner, &upload, &key)).await;
    assert_eq!((status, body), (200, json!({"status": "failed"})));
    assert_eq!(
        lambda
            .db
            .count(&format!(
                "SELECT count(*) AS n FROM media_uploads WHERE id = '{upload}' AND status = 'failed'"
            ))
            .await,
        1
    );
}

#[tokio::test]
async fn without_an_image_pipeline_jobs_are_left_for_a_retry() {
    let lambda = TestLambda::spawn(None).await;
    let (owner, upload, key) = uploaded(&lambda, 10).await;
    let (status, _) = post(&lambda, job(&owner, &upload, &key)).await;
    assert_eq!(status, 500);
    assert_eq!(
        lambda
            .db
            .count(&format!(
                "SELECT count(*) AS n FROM media_uploads WHERE id = '{upload}' AND status = 'uploaded'"
            ))
            .await,
        1
    );
}
