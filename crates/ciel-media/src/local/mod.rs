//! The local-directory adapter of the `ObjectStore` port, for development without an S3 server
//! (`S3_ENDPOINT=file:///some/dir`). Each object is one file under the root whose first lines
//! hold its content type and `Cache-Control`; writes go to a temporary file renamed into place,
//! so a reader never sees half an object.
//!
//! Presigned URLs point at the process that serves the API (`/_local-objects/{key}`, see
//! `ciel-runtime`), carry an expiry and, for a PUT, the content type and length, all bound by an
//! HMAC-SHA256 with a per-process secret ([`signed_url`]). The routes call
//! [`LocalDirStore::signed_put`] and [`LocalDirStore::signed_get`], which check them like S3
//! would: another content type, another length, a changed parameter or an expired URL is refused.

pub mod signed_url;

use async_trait::async_trait;
use ciel_domain::ports::{ObjectMeta, ObjectStore, ObjectStoreError, PresignedPut};
use signed_url::{Grant, SignatureError};
use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::io::AsyncReadExt;

/// The path under which the API serves signed local objects.
pub const ROUTE_PREFIX: &str = "/_local-objects";

/// The first line of every object file.
const MAGIC: &str = "ciel-object 1";

/// A signed request to the local store was refused.
#[derive(Debug, thiserror::Error)]
pub enum LocalRequestError {
    /// The signature is missing, wrong or expired.
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// The upload's `Content-Type` is not the signed one.
    #[error("the Content-Type is not the one the URL was signed for")]
    ContentType,
    /// The upload's length is not the signed one.
    #[error("the body length is not the one the URL was signed for")]
    Length,
    /// No such object.
    #[error("no such object")]
    NotFound,
    /// The key is not one this store accepts.
    #[error("invalid object key")]
    BadKey,
    /// The file system failed.
    #[error("local object store: {0}")]
    Backend(String),
}

/// What a signed GET returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServedObject {
    /// The object's bytes.
    pub bytes: Vec<u8>,
    /// Its stored content type.
    pub content_type: String,
    /// Its stored `Cache-Control`.
    pub cache_control: String,
}

/// An `ObjectStore` in a local directory.
#[derive(Debug)]
pub struct LocalDirStore {
    root: PathBuf,
    secret: [u8; 32],
    /// `scheme://host[:port]` of the process serving [`ROUTE_PREFIX`]; set once it is bound.
    public_origin: RwLock<Option<String>>,
}

impl LocalDirStore {
    /// A store under `root` (created if missing), signing URLs with `secret`.
    pub fn new(root: impl Into<PathBuf>, secret: [u8; 32]) -> Result<Self, ObjectStoreError> {
        let root = root.into();
        std::fs::create_dir_all(&root).map_err(|e| backend(&root, &e))?;
        Ok(Self {
            root,
            secret,
            public_origin: RwLock::new(None),
        })
    }

    /// The directory objects live in.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Sets the origin (`http://127.0.0.1:8080`) presigned URLs point at.
    pub fn set_public_origin(&self, origin: &str) {
        let origin = origin.trim_end_matches('/').to_owned();
        *self
            .public_origin
            .write()
            .unwrap_or_else(|p| p.into_inner()) = Some(origin);
    }

    /// The origin presigned URLs point at, once set.
    pub fn public_origin(&self) -> Option<String> {
        self.public_origin
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn path(&self, key: &str) -> Result<PathBuf, ObjectStoreError> {
        check_key(key).ok_or_else(|| ObjectStoreError::Backend(format!("invalid key {key:?}")))?;
        Ok(self.root.join(key))
    }

    fn signed_url(&self, grant: &Grant) -> Result<String, ObjectStoreError> {
        let origin = self.public_origin().ok_or_else(|| {
            ObjectStoreError::Backend("the local object store has no public origin yet".into())
        })?;
        Ok(format!(
            "{origin}{ROUTE_PREFIX}/{}?{}",
            grant.key,
            signed_url::query(&self.secret, grant)
        ))
    }

    /// Stores the body of a signed PUT to `key` with query `query`, after checking the signature,
    /// the expiry, the declared `content_type` and the body's length.
    pub async fn signed_put(
        &self,
        key: &str,
        query: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Result<(), LocalRequestError> {
        check_key(key).ok_or(LocalRequestError::BadKey)?;
        let grant = signed_url::verify(&self.secret, "PUT", key, query, unix_now())?;
        if content_type != grant.content_type.as_deref() {
            return Err(LocalRequestError::ContentType);
        }
        if Some(body.len() as u64) != grant.length {
            return Err(LocalRequestError::Length);
        }
        let ct = grant.content_type.unwrap_or_default();
        self.put(key, body, &ct, "no-cache")
            .await
            .map_err(|e| LocalRequestError::Backend(e.to_string()))
    }

    /// The object of a signed GET of `key` with query `query`.
    pub async fn signed_get(
        &self,
        key: &str,
        query: &str,
    ) -> Result<ServedObject, LocalRequestError> {
        check_key(key).ok_or(LocalRequestError::BadKey)?;
        signed_url::verify(&self.secret, "GET", key, query, unix_now())?;
        let path = self.root.join(key);
        let raw = match tokio::fs::read(&path).await {
            Ok(raw) => raw,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(LocalRequestError::NotFound);
            }
            Err(e) => return Err(LocalRequestError::Backend(backend(&path, &e).to_string())),
        };
        let (header, offset) = parse_header(&raw)
            .ok_or_else(|| LocalRequestError::Backend(format!("{} is corrupt", path.display())))?;
        Ok(ServedObject {
            content_type: header.content_type,
            cache_control: header.cache_control,
            bytes: raw[offset..].to_vec(),
        })
    }
}

/// Keys are `/`-separated segments of ASCII letters, digits and `-._~`, none empty, `.` or `..`.
fn check_key(key: &str) -> Option<()> {
    let ok = !key.is_empty()
        && key.len() <= 1024
        && key.split('/').all(|seg| {
            !seg.is_empty()
                && seg != "."
                && seg != ".."
                && seg
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
        });
    ok.then_some(())
}

struct Header {
    content_type: String,
    cache_control: String,
}

/// The header lines and where the bytes start.
fn parse_header(raw: &[u8]) -> Option<(Header, usize)> {
    let mut lines = Vec::with_capacity(3);
    let mut start = 0;
    while lines.len() < 3 {
        let end = start + raw.get(start..)?.iter().position(|b| *b == b'\n')?;
        lines.push(std::str::from_utf8(&raw[start..end]).ok()?.to_owned());
        start = end + 1;
    }
    if lines[0] != MAGIC {
        return None;
    }
    let cache_control = lines.pop()?;
    let content_type = lines.pop()?;
    Some((
        Header {
            content_type,
            cache_control,
        },
        start,
    ))
}

fn header_line(value: &str) -> Result<&str, ObjectStoreError> {
    if value.contains(['\n', '\r']) {
        return Err(ObjectStoreError::Backend(format!(
            "{value:?} cannot be stored (line break)"
        )));
    }
    Ok(value)
}

fn backend(path: &Path, e: &std::io::Error) -> ObjectStoreError {
    ObjectStoreError::Backend(format!("{}: {e}", path.display()))
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Whole seconds of `ttl`, rounded up, at least 1.
fn ttl_secs(ttl: Duration) -> u64 {
    (ttl.as_secs() + u64::from(ttl.subsec_nanos() > 0)).max(1)
}

#[async_trait]
impl ObjectStore for LocalDirStore {
    async fn put(
        &self,
        key: &str,
        bytes: Vec<u8>,
        content_type: &str,
        cache_control: &str,
    ) -> Result<(), ObjectStoreError> {
        let path = self.path(key)?;
        let mut file = format!(
            "{MAGIC}\n{}\n{}\n",
            header_line(content_type)?,
            header_line(cache_control)?
        )
        .into_bytes();
        file.extend_from_slice(&bytes);
        let dir = path.parent().unwrap_or(&self.root);
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| backend(dir, &e))?;
        let tmp = dir.join(format!(".tmp-{}", uuid_like()));
        tokio::fs::write(&tmp, file)
            .await
            .map_err(|e| backend(&tmp, &e))?;
        tokio::fs::rename(&tmp, &path).await.map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            backend(&path, &e)
        })
    }

    async fn get(&self, key: &str) -> Result<Vec<u8>, ObjectStoreError> {
        let path = self.path(key)?;
        let raw = match tokio::fs::read(&path).await {
            Ok(raw) => raw,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ObjectStoreError::NotFound);
            }
            Err(e) => return Err(backend(&path, &e)),
        };
        let (_, offset) = parse_header(&raw).ok_or_else(|| corrupt(&path))?;
        Ok(raw[offset..].to_vec())
    }

    async fn head(&self, key: &str) -> Result<ObjectMeta, ObjectStoreError> {
        let path = self.path(key)?;
        let mut file = match tokio::fs::File::open(&path).await {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ObjectStoreError::NotFound);
            }
            Err(e) => return Err(backend(&path, &e)),
        };
        let total = file.metadata().await.map_err(|e| backend(&path, &e))?.len();
        // The header is three short lines; 4 KiB always holds it.
        let mut head = Vec::with_capacity(4096);
        (&mut file)
            .take(4096)
            .read_to_end(&mut head)
            .await
            .map_err(|e| backend(&path, &e))?;
        let (header, offset) = parse_header(&head).ok_or_else(|| corrupt(&path))?;
        Ok(ObjectMeta {
            size: total - offset as u64,
            content_type: Some(header.content_type),
        })
    }

    async fn delete(&self, key: &str) -> Result<(), ObjectStoreError> {
        let path = self.path(key)?;
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(backend(&path, &e)),
        }
    }

    async fn presign_put(
        &self,
        key: &str,
        content_type: &str,
        length: u64,
        ttl: Duration,
    ) -> Result<PresignedPut, ObjectStoreError> {
        self.path(key)?;
        let grant = Grant {
            method: "PUT",
            key: key.to_owned(),
            expires: unix_now() + ttl_secs(ttl),
            content_type: Some(header_line(content_type)?.to_owned()),
            length: Some(length),
        };
        Ok(PresignedPut {
            url: self.signed_url(&grant)?,
            headers: vec![
                ("Content-Type".to_owned(), content_type.to_owned()),
                ("Content-Length".to_owned(), length.to_string()),
            ],
        })
    }

    async fn presign_get(&self, key: &str, ttl: Duration) -> Result<String, ObjectStoreError> {
        self.path(key)?;
        self.signed_url(&Grant {
            method: "GET",
            key: key.to_owned(),
            expires: unix_now() + ttl_secs(ttl),
            content_type: None,
            length: None,
        })
    }
}

fn corrupt(path: &Path) -> ObjectStoreError {
    ObjectStoreError::Backend(format!("{} is not a stored object", path.display()))
}

/// A name unique within this process for temporary files.
fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}-{}",
        std::process::id(),
        unix_now(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_leave_the_root() {
        for bad in [
            "", "/abs", "a//b", "a/../b", "..", "a/./b", "a b", "a\\b", "a/",
        ] {
            assert!(check_key(bad).is_none(), "{bad:?}");
        }
        for good in [
            "a",
            "uploads/u-1/x.png",
            "media/o/u/thumb.jpg",
            "conformance/bin/o.bin",
        ] {
            assert!(check_key(good).is_some(), "{good:?}");
        }
    }

    #[test]
    fn the_header_round_trips_and_bytes_follow_it() {
        let raw = b"ciel-object 1\nimage/png\nno-cache\n\x89PNG\n";
        let (h, offset) = parse_header(raw).unwrap();
        assert_eq!(
            (h.content_type.as_str(), h.cache_control.as_str()),
            ("image/png", "no-cache")
        );
        assert_eq!(&raw[offset..], b"\x89PNG\n");
        assert!(parse_header(b"other 1\na\nb\n").is_none());
        assert!(parse_header(b"ciel-object 1\na\n").is_none());
    }
}
