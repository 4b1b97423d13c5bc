//! The object store port: S3-compatible storage of originals and derivatives.

use async_trait::async_trait;
use std::time::Duration;

/// Object storage failed.
#[derive(Debug, thiserror::Error)]
pub enum ObjectStoreError {
    /// No object under that key.
    #[error("object not found")]
    NotFound,
    /// The store is unreachable or answered an error.
    #[error("object store unavailable: {0}")]
    Backend(String),
}

/// What `head` tells about an object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectMeta {
    /// Size in bytes.
    pub size: u64,
    /// The stored content type, when the store reports one.
    pub content_type: Option<String>,
}

/// A presigned upload: the client PUTs the bytes to `url` with exactly `headers`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresignedPut {
    /// Where to PUT.
    pub url: String,
    /// Headers bound into the signature; the PUT must carry them.
    pub headers: Vec<(String, String)>,
}

/// Put, get, head, delete and presign objects by key.
#[async_trait]
pub trait ObjectStore: Send + Sync + 'static {
    /// Stores `bytes` under `key`, with a content type and a `Cache-Control` value.
    async fn put(
        &self,
        key: &str,
        bytes: Vec<u8>,
        content_type: &str,
        cache_control: &str,
    ) -> Result<(), ObjectStoreError>;
    /// Reads the whole object.
    async fn get(&self, key: &str) -> Result<Vec<u8>, ObjectStoreError>;
    /// Reads the object's size and content type.
    async fn head(&self, key: &str) -> Result<ObjectMeta, ObjectStoreError>;
    /// Deletes the object; deleting a missing object is not an error.
    async fn delete(&self, key: &str) -> Result<(), ObjectStoreError>;
    /// A URL that lets its holder PUT exactly `length` bytes of `content_type` under `key`.
    async fn presign_put(
        &self,
        key: &str,
        content_type: &str,
        length: u64,
        ttl: Duration,
    ) -> Result<PresignedPut, ObjectStoreError>;
    /// A URL that lets its holder GET the object under `key` until `ttl` passes.
    async fn presign_get(&self, key: &str, ttl: Duration) -> Result<String, ObjectStoreError>;
}
