//! The client side of the media flow against a [`TestApp`] (upload intent, presigned PUT,
//! complete, status) and a look into its bucket, for tests outside `ciel-http` (the worker's
//! process tests) that run the flow against real binaries.

use crate::app::{TestApp, TestUser};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

impl TestApp {
    /// Intent for `body` as `content_type`, then the PUT through the presigned URL with the
    /// intent's headers; the upload id (panics unless both succeed).
    pub async fn upload_media(&self, user: &TestUser, body: Vec<u8>, content_type: &str) -> String {
        let res = self
            .as_user(user, Method::POST, "/v1/media/upload")
            .json(&json!({"content_type": content_type, "bytes": body.len()}))
            .send()
            .await
            .expect("upload intent");
        assert_eq!(res.status(), 200, "upload intent");
        let intent: Value = res.json().await.expect("intent JSON");
        let mut put = self
            .client
            .put(intent["upload_url"].as_str().expect("upload_url"));
        for h in intent["headers"].as_array().expect("headers") {
            put = put.header(
                h["name"].as_str().expect("header name"),
                h["value"].as_str().expect("header value"),
            );
        }
        let status = put.body(body).send().await.expect("presigned PUT").status();
        assert!(status.is_success(), "presigned PUT: {status}");
        intent["upload_id"].as_str().expect("upload_id").to_owned()
    }

    /// `POST /v1/media/upload/{id}/complete`; its status code.
    pub async fn complete_upload(&self, user: &TestUser, id: &str) -> u16 {
        self.as_user(
            user,
            Method::POST,
            &format!("/v1/media/upload/{id}/complete"),
        )
        .send()
        .await
        .expect("complete")
        .status()
        .as_u16()
    }

    /// `GET /v1/media/upload/{id}/status`, its body.
    pub async fn upload_status(&self, user: &TestUser, id: &str) -> Value {
        let res = self
            .as_user(user, Method::GET, &format!("/v1/media/upload/{id}/status"))
            .send()
            .await
            .expect("status");
        assert_eq!(res.status(), 200, "upload status");
        res.json().await.expect("status JSON")
    }

    /// Polls the status every `every` until it is `completed` or `failed` (panics after
    /// `timeout`); the final body.
    pub async fn settled_upload(
        &self,
        user: &TestUser,
        id: &str,
        every: Duration,
        timeout: Duration,
    ) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            let body = self.upload_status(user, id).await;
            if matches!(body["status"].as_str(), Some("completed" | "failed")) {
                return body;
            }
            assert!(
                Instant::now() < deadline,
                "upload {id} still {} after {timeout:?}",
                body["status"]
            );
            tokio::time::sleep(every).await;
        }
    }

    /// Every key in the app's bucket under `prefix` (with [`crate::TestAppBuilder::media`]).
    pub async fn bucket_keys(&self, prefix: &str) -> Vec<String> {
        let var = |k: &str| self.env.get(k).unwrap_or_else(|| panic!("{k}")).clone();
        let credentials = s3::creds::Credentials::new(
            Some(&var("AWS_ACCESS_KEY_ID")),
            Some(&var("AWS_SECRET_ACCESS_KEY")),
            None,
            None,
            None,
        )
        .expect("credentials");
        let region = s3::Region::Custom {
            region: var("S3_REGION"),
            endpoint: var("S3_ENDPOINT"),
        };
        let bucket = s3::Bucket::new(&var("S3_BUCKET"), region, credentials)
            .expect("bucket")
            .with_path_style();
        let pages = bucket
            .list(prefix.to_owned(), None)
            .await
            .expect("listing the bucket");
        let mut keys: Vec<String> = pages
            .into_iter()
            .flat_map(|page| page.contents.into_iter().map(|o| o.key))
            .collect();
        keys.sort();
        keys
    }
}
