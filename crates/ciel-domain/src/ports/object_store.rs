//! The object store port: S3-compatible storage of originals and derivatives.
//!
//! # Example
//!
//! What the upload flow asks of a store, against a map of keys:
//!
//! ```
//! use async_trait::async_trait;
//! use ciel_domain::ports::{ObjectMeta, ObjectStore, ObjectStoreError, PresignedPut};
//! use std::collections::HashMap;
//! use std::sync::Mutex;
//! use std::time::Duration;
//!
//! #[derive(Default)]
//! struct Objects(Mutex<HashMap<String, (Vec<u8>, String)>>);
//!
//! #[async_trait]
//! impl ObjectStore for Objects {
//!     async fn put(&self, key: &str, bytes: Vec<u8>, ct: &str, _cc: &str) -> Result<(), ObjectStoreError> {
//!         self.0.lock().unwrap().insert(key.into(), (bytes, ct.into()));
//!         Ok(())
//!     }
//!     async fn get(&self, key: &str) -> Result<Vec<u8>, ObjectStoreError> {
//!         self.0.lock().unwrap().get(key).map(|o| o.0.clone()).ok_or(ObjectStoreError::NotFound)
//!     }
//!     async fn head(&self, key: &str) -> Result<ObjectMeta, ObjectStoreError> {
//!         let objects = self.0.lock().unwrap();
//!         let (bytes, ct) = objects.get(key).ok_or(ObjectStoreError::NotFound)?;
//!         Ok(ObjectMeta { size: bytes.len() as u64, content_type: Some(ct.clone()) })
//!     }
//!     async fn delete(&self, key: &str) -> Result<(), ObjectStoreError> {
//!         self.0.lock().unwrap().remove(key);
//!         Ok(())
//!     }
//!     async fn presign_put(&self, key: &str, ct: &str, len: u64, _ttl: Duration) -> Result<PresignedPut, ObjectStoreError> {
//!         Ok(PresignedPut {
//!             url: format!("memory:///{key}"),
//!             headers: vec![("Content-Type".into(), ct.into()), ("Content-Length".into(), len.to_string())],
//!         })
//!     }
//!     async fn presign_get(&self, key: &str, _ttl: Duration) -> Result<String, ObjectStoreError> {
//!         Ok(format!("memory:///{key}"))
//!     }
//! }
//!
//! futures_executor::block_on(async {
//!     let store: &dyn ObjectStore = &Objects::default();
//!     let put = store.presign_put("uploads/u/1.png", "image/png", 4, Duration::from_secs(900)).await.unwrap();
//!     assert!(put.headers.contains(&("Content-Length".into(), "4".into())));
//!     store.put("uploads/u/1.png", vec![1, 2, 3, 4], "image/png", "no-cache").await.unwrap();
//!     let meta = store.head("uploads/u/1.png").await.unwrap();
//!     assert_eq!(meta, ObjectMeta { size: 4, content_type: Some("image/png".into()) });
//!     store.delete("uploads/u/1.png").await.unwrap();
//!     assert!(matches!(store.get("uploads/u/1.png").await, Err(ObjectStoreError::NotFound)));
//! });
//! ```

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
