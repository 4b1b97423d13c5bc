//! Avatar URLs: presigned GETs valid 4 h, cached under `presigned:{objectKey}` for the URL's
//! lifetime minus 5 min (contract §3.9, §3.11). Failures degrade to no URL, never to an error.
//!
//! # Example
//!
//! Without object storage there is no URL, and never an error:
//!
//! ```
//! use ciel_app::AvatarUrls;
//! use ciel_app::avatars::AVATAR_URL_TTL;
//!
//! let avatars = AvatarUrls::new(None, None);
//! let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! assert_eq!(rt.block_on(avatars.url(Some("uploads/u/1/avatar.jpg"))), None);
//! assert_eq!(rt.block_on(avatars.url(None)), None);
//! assert_eq!(AVATAR_URL_TTL.as_secs(), 4 * 3600);
//! ```

use ciel_domain::ports::{Cache, ObjectStore};
use std::sync::Arc;
use std::time::Duration;

/// How long an avatar URL is valid.
pub const AVATAR_URL_TTL: Duration = Duration::from_secs(14_400);
/// How long a URL stays cached: its lifetime minus five minutes.
const CACHE_TTL: Duration = Duration::from_secs(14_400 - 300);

/// Turns avatar keys into URLs.
#[derive(Clone)]
pub struct AvatarUrls {
    store: Option<Arc<dyn ObjectStore>>,
    cache: Option<Arc<dyn Cache>>,
}

impl AvatarUrls {
    /// URLs from `store`, cached in `cache` when there is one; with no store, never a URL.
    pub fn new(store: Option<Arc<dyn ObjectStore>>, cache: Option<Arc<dyn Cache>>) -> Self {
        Self { store, cache }
    }

    /// The URL for `avatar_key`, or `None` when there is no key or signing failed.
    pub async fn url(&self, avatar_key: Option<&str>) -> Option<String> {
        let key = avatar_key.filter(|k| !k.is_empty())?;
        let store = self.store.as_ref()?;
        let cache_key = format!("presigned:{key}");
        if let Some(cache) = &self.cache {
            match cache.get(&cache_key).await {
                Ok(Some(bytes)) => {
                    if let Ok(url) = String::from_utf8(bytes) {
                        return Some(url);
                    }
                }
                Ok(None) => {}
                Err(err) => tracing::warn!(error = %err, "avatar URL cache read failed"),
            }
        }
        match store.presign_get(key, AVATAR_URL_TTL).await {
            Ok(url) => {
                if let Some(cache) = &self.cache
                    && let Err(err) = cache.set(&cache_key, url.as_bytes(), CACHE_TTL).await
                {
                    tracing::warn!(error = %err, "avatar URL cache write failed");
                }
                Some(url)
            }
            Err(err) => {
                tracing::warn!(error = %err, "avatar URL signing failed");
                None
            }
        }
    }

    /// Drops the cached URL of `avatar_key` (when the avatar changes).
    pub async fn forget(&self, avatar_key: Option<&str>) {
        if let (Some(key), Some(cache)) = (avatar_key, &self.cache)
            && let Err(err) = cache.delete(&format!("presigned:{key}")).await
        {
            tracing::warn!(error = %err, "avatar URL cache invalidation failed");
        }
    }
}
