//! The S3 adapter against a real s3s-fs: the `ObjectStore` conformance suite, bucket creation,
//! and failures that must be fast and clean.

use ciel_domain::ports::{ObjectStore, ObjectStoreError};
use ciel_media::{S3Settings, S3Store};
use ciel_testkit::conformance::object_store_suite;
use ciel_testkit::services::ServiceKind;
use ciel_testkit::{service_var, unique_name};
use std::time::{Duration, Instant};

/// Settings for the test s3s-fs, with a bucket name of our own (S3 names: lowercase, digits,
/// hyphens, at most 63 characters).
fn settings(bucket: &str) -> S3Settings {
    let var = |name: &str| service_var(ServiceKind::S3, name);
    S3Settings {
        endpoint: var("S3_ENDPOINT"),
        public_endpoint: None,
        region: var("S3_REGION"),
        bucket: bucket.to_owned(),
        path_style: true,
        access_key_id: Some(var("AWS_ACCESS_KEY_ID")),
        secret_access_key: Some(var("AWS_SECRET_ACCESS_KEY")),
    }
}

fn unique_bucket() -> String {
    let name = unique_name("bucket").replace('_', "-");
    assert!(name.len() <= 63, "{name}");
    name
}

async fn fresh_store() -> S3Store {
    let store = S3Store::new(settings(&unique_bucket())).expect("store");
    store.ensure_bucket().await.expect("ensure bucket");
    store
}

#[tokio::test]
async fn s3_store_conforms() {
    object_store_suite(&fresh_store().await, "conformance/").await;
}

#[tokio::test]
async fn ensure_bucket_is_idempotent_and_buckets_are_separate() {
    let a = fresh_store().await;
    a.ensure_bucket().await.expect("second ensure_bucket");
    let b = fresh_store().await;
    a.put("k", b"from-a".to_vec(), "text/plain", "no-cache")
        .await
        .unwrap();
    assert!(matches!(b.get("k").await, Err(ObjectStoreError::NotFound)));
}

#[tokio::test]
async fn deleting_in_a_missing_bucket_is_an_error_not_a_missing_object() {
    // (s3s-fs answers GET in a missing bucket with NoSuchKey and creates the bucket on PUT, so
    // DELETE is where it reports NoSuchBucket.)
    let store = S3Store::new(settings(&unique_bucket())).unwrap();
    match store.delete("k").await {
        Err(ObjectStoreError::Backend(msg)) => assert!(msg.contains("NoSuchBucket"), "{msg}"),
        other => panic!("expected Backend, got {other:?}"),
    }
}

#[tokio::test]
async fn a_wrong_secret_fails_without_leaking_it() {
    let bucket = fresh_store().await.bucket_name();
    let mut wrong = settings(&bucket);
    wrong.secret_access_key = Some("not-the-secret-4711".into());
    let store = S3Store::new(wrong).unwrap();
    match store
        .put("k", b"x".to_vec(), "text/plain", "no-cache")
        .await
    {
        Err(ObjectStoreError::Backend(msg)) => {
            assert!(msg.contains("403"), "{msg}");
            assert!(!msg.contains("4711"), "{msg}");
        }
        other => panic!("expected Backend, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unreachable_store_fails_fast_instead_of_hanging() {
    // Nothing listens on port 1.
    let mut unreachable = settings("ciel-media");
    unreachable.endpoint = "http://127.0.0.1:1".into();
    let store = S3Store::new(unreachable).unwrap();
    let started = Instant::now();
    match store
        .put("k", b"x".to_vec(), "text/plain", "no-cache")
        .await
    {
        Err(ObjectStoreError::Backend(msg)) => assert!(msg.contains("connect"), "{msg}"),
        other => panic!("expected Backend, got {other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}
