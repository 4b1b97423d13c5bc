//! The S3 adapter of the `ObjectStore` port, over rust-s3 (any S3-compatible store: AWS,
//! Scaleway, s3s-fs, Garage, MinIO).
//!
//! Presigned URLs are signed locally (no request). A presigned PUT binds `Content-Type` and
//! `Content-Length` into its signature, so a store that checks signatures like AWS (s3s-fs and
//! Garage do; moto and s3rver do not) refuses an upload of another type or size. Presigned GET
//! URLs get the origin of `S3_PUBLIC_ENDPOINT` when it is set (contract §3.9); the signature
//! still covers the host of `S3_ENDPOINT`, so the public endpoint must be a proxy that forwards
//! to the store with that `Host`.

mod errors;
mod settings;

pub use errors::S3StoreError;
pub use settings::S3Settings;

use ::s3::creds::Credentials;
use ::s3::error::S3Error;
use ::s3::{Bucket, BucketConfiguration, Region};
use async_trait::async_trait;
use ciel_domain::ports::{ObjectMeta, ObjectStore, ObjectStoreError, PresignedPut};
use errors::{describe, to_port};
use http::header::{CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderValue};
use std::time::Duration;

/// How long one S3 request may take, connection included. rust-s3 retries a failed GET or HEAD
/// once after 1 s, so a call gives up after at most about twice this.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest lifetime SigV4 allows for a presigned URL (7 days).
const MAX_PRESIGN_TTL: Duration = Duration::from_secs(604_800);

/// An `ObjectStore` in one bucket of an S3-compatible store.
#[derive(Clone, Debug)]
pub struct S3Store {
    bucket: Box<Bucket>,
    /// `scheme://host[:port]` for presigned GET URLs, when it differs from the endpoint.
    public_origin: Option<String>,
}

impl S3Store {
    /// A store for `settings.bucket`. Makes no request; with no keys in `settings` it asks the
    /// AWS provider chain (environment, profile, web identity, container, instance metadata)
    /// once, which may block briefly.
    pub fn new(settings: S3Settings) -> Result<Self, S3StoreError> {
        let endpoint = settings::origin("S3_ENDPOINT", &settings.endpoint)?;
        let public_origin = settings
            .public_endpoint
            .as_deref()
            .map(|p| settings::origin("S3_PUBLIC_ENDPOINT", p))
            .transpose()?;
        let credentials = match (
            settings.access_key_id.as_deref(),
            settings.secret_access_key.as_deref(),
        ) {
            (Some(key), Some(secret)) => {
                Credentials::new(Some(key), Some(secret), None, None, None)
            }
            (None, None) => Credentials::default(),
            _ => return Err(S3StoreError::PartialCredentials),
        }
        .map_err(|e| S3StoreError::Credentials(e.to_string()))?;
        let region = Region::Custom {
            region: settings.region,
            endpoint,
        };
        let mut bucket = Bucket::new(&settings.bucket, region, credentials)
            .map_err(|e| S3StoreError::Client(describe(e)))?;
        if settings.path_style {
            bucket.set_path_style();
        }
        bucket.set_request_timeout(Some(REQUEST_TIMEOUT));
        Ok(Self {
            bucket,
            public_origin,
        })
    }

    /// The bucket's name.
    pub fn bucket_name(&self) -> String {
        self.bucket.name()
    }

    /// Creates the bucket unless the caller already owns it (for tests and local development;
    /// production buckets are provisioned outside the application).
    pub async fn ensure_bucket(&self) -> Result<(), S3StoreError> {
        let fail = |reason: String| S3StoreError::CreateBucket {
            bucket: self.bucket.name(),
            reason,
        };
        let credentials = self
            .bucket
            .credentials()
            .await
            .map_err(|e| fail(describe(e)))?;
        let name = self.bucket.name();
        let region = self.bucket.region();
        let config = BucketConfiguration::default();
        let created = if self.bucket.is_path_style() {
            Bucket::create_with_path_style(&name, region, credentials, config).await
        } else {
            Bucket::create(&name, region, credentials, config).await
        };
        match created {
            Ok(_) => Ok(()),
            // Already there: fine if we can use it. AWS says BucketAlreadyOwnedByYou to its owner,
            // s3s-fs says BucketAlreadyExists to everyone (and its ListBuckets answer has no
            // `Owner`, which rust-s3 cannot parse), so try listing the bucket itself.
            Err(S3Error::HttpFailWithBody(409, body)) => {
                if errors::s3_code(&body) == Some("BucketAlreadyOwnedByYou") {
                    return Ok(());
                }
                self.bucket
                    .list_page(String::new(), None, None, None, Some(1))
                    .await
                    .map(drop)
                    .map_err(|e| fail(format!("it exists but is not usable: {}", describe(e))))
            }
            Err(e) => Err(fail(describe(e))),
        }
    }
}

/// Whole seconds for a presigned URL's lifetime: at least 1, rounded up, at most 7 days.
fn expiry_secs(ttl: Duration) -> Result<u32, ObjectStoreError> {
    if ttl > MAX_PRESIGN_TTL {
        return Err(ObjectStoreError::Backend(format!(
            "presigned URL lifetime {ttl:?} exceeds the 7-day maximum"
        )));
    }
    let secs = ttl.as_secs() + u64::from(ttl.subsec_nanos() > 0);
    Ok(u32::try_from(secs.max(1)).unwrap_or(u32::MAX))
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue, ObjectStoreError> {
    HeaderValue::from_str(value).map_err(|_| {
        ObjectStoreError::Backend(format!("{name} {value:?} is not a valid header value"))
    })
}

#[async_trait]
impl ObjectStore for S3Store {
    async fn put(
        &self,
        key: &str,
        bytes: Vec<u8>,
        content_type: &str,
        cache_control: &str,
    ) -> Result<(), ObjectStoreError> {
        let mut headers = HeaderMap::new();
        headers.insert(CACHE_CONTROL, header_value("Cache-Control", cache_control)?);
        // Checked here: rust-s3 would otherwise fail with a less helpful message.
        header_value("Content-Type", content_type)?;
        self.bucket
            .put_object_with_content_type_and_headers(key, &bytes, content_type, Some(headers))
            .await
            .map(drop)
            .map_err(to_port)
    }

    async fn get(&self, key: &str) -> Result<Vec<u8>, ObjectStoreError> {
        let response = self.bucket.get_object(key).await.map_err(to_port)?;
        Ok(response.to_vec())
    }

    async fn head(&self, key: &str) -> Result<ObjectMeta, ObjectStoreError> {
        let (head, _status) = self.bucket.head_object(key).await.map_err(to_port)?;
        let size = head
            .content_length
            .and_then(|len| u64::try_from(len).ok())
            .ok_or_else(|| ObjectStoreError::Backend("S3 HEAD answer without a size".into()))?;
        Ok(ObjectMeta {
            size,
            content_type: head.content_type,
        })
    }

    async fn delete(&self, key: &str) -> Result<(), ObjectStoreError> {
        match self.bucket.delete_object(key).await.map_err(to_port) {
            Ok(_) | Err(ObjectStoreError::NotFound) => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn presign_put(
        &self,
        key: &str,
        content_type: &str,
        length: u64,
        ttl: Duration,
    ) -> Result<PresignedPut, ObjectStoreError> {
        let length = length.to_string();
        let mut signed = HeaderMap::new();
        signed.insert(CONTENT_TYPE, header_value("Content-Type", content_type)?);
        signed.insert(CONTENT_LENGTH, header_value("Content-Length", &length)?);
        let url = self
            .bucket
            .presign_put(key, expiry_secs(ttl)?, Some(signed), None)
            .await
            .map_err(|e| ObjectStoreError::Backend(describe(e)))?;
        Ok(PresignedPut {
            url,
            headers: vec![
                ("Content-Type".to_owned(), content_type.to_owned()),
                ("Content-Length".to_owned(), length),
            ],
        })
    }

    async fn presign_get(&self, key: &str, ttl: Duration) -> Result<String, ObjectStoreError> {
        let url = self
            .bucket
            .presign_get(key, expiry_secs(ttl)?, None)
            .await
            .map_err(|e| ObjectStoreError::Backend(describe(e)))?;
        Ok(match &self.public_origin {
            Some(origin) => settings::with_origin(&url, origin),
            None => url,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(public_endpoint: Option<&str>) -> S3Settings {
        S3Settings {
            endpoint: "http://127.0.0.1:9000".into(),
            public_endpoint: public_endpoint.map(Into::into),
            region: "us-east-1".into(),
            bucket: "ciel-media".into(),
            path_style: true,
            access_key_id: Some("devkey".into()),
            secret_access_key: Some("devsecret123".into()),
        }
    }

    #[tokio::test]
    async fn presigned_get_urls_take_the_public_origin() {
        let internal = S3Store::new(settings(None)).unwrap();
        let public = S3Store::new(settings(Some("https://media.example.com"))).unwrap();
        let ttl = Duration::from_secs(3600);
        let a = internal
            .presign_get("media/u/x/thumb.jpg", ttl)
            .await
            .unwrap();
        let b = public
            .presign_get("media/u/x/thumb.jpg", ttl)
            .await
            .unwrap();
        assert!(
            a.starts_with("http://127.0.0.1:9000/ciel-media/media/u/x/thumb.jpg?"),
            "{a}"
        );
        assert!(
            b.starts_with("https://media.example.com/ciel-media/media/u/x/thumb.jpg?"),
            "{b}"
        );
        // Same path and query (the two signatures may differ only if the clock ticked).
        let strip = |u: &str| {
            u.split_once("/ciel-media/")
                .unwrap()
                .1
                .split("&X-Amz-Date=")
                .next()
                .unwrap()
                .to_owned()
        };
        assert_eq!(strip(&a), strip(&b));
        assert!(b.contains("X-Amz-Signature="), "{b}");
    }

    #[tokio::test]
    async fn presigned_put_urls_are_not_rewritten_and_bind_type_and_length() {
        let store = S3Store::new(settings(Some("https://media.example.com"))).unwrap();
        let put = store
            .presign_put(
                "uploads/u/1.png",
                "image/png",
                1234,
                Duration::from_secs(900),
            )
            .await
            .unwrap();
        assert!(
            put.url
                .starts_with("http://127.0.0.1:9000/ciel-media/uploads/u/1.png?"),
            "{}",
            put.url
        );
        assert!(
            put.url
                .contains("X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost"),
            "{}",
            put.url
        );
        assert_eq!(
            put.headers,
            vec![
                ("Content-Type".to_owned(), "image/png".to_owned()),
                ("Content-Length".to_owned(), "1234".to_owned()),
            ]
        );
    }

    #[test]
    fn settings_are_checked() {
        let mut s = settings(Some("https://cdn.example.com/prefix"));
        assert!(matches!(
            S3Store::new(s.clone()),
            Err(S3StoreError::InvalidEndpoint {
                var: "S3_PUBLIC_ENDPOINT",
                ..
            })
        ));
        s.public_endpoint = None;
        s.secret_access_key = None;
        assert!(matches!(
            S3Store::new(s),
            Err(S3StoreError::PartialCredentials)
        ));
    }

    #[test]
    fn presign_lifetimes_round_up_and_stop_at_seven_days() {
        assert_eq!(expiry_secs(Duration::from_millis(1)).unwrap(), 1);
        assert_eq!(expiry_secs(Duration::from_millis(1500)).unwrap(), 2);
        assert_eq!(expiry_secs(Duration::from_secs(900)).unwrap(), 900);
        assert!(expiry_secs(Duration::from_secs(604_801)).is_err());
    }
}
