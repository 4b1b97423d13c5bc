//! Presigned GET URLs for processed media (contract §1.8 Media: valid 1 h, rewritten to the
//! public endpoint by the store adapter). Signing is local; a failure degrades to no URL.
//!
//! # Example
//!
//! ```
//! use chrono::Utc;
//! use ciel_app::MediaUrls;
//! use ciel_app::media_urls::MEDIA_URL_TTL;
//! use ciel_domain::media::Media;
//! use ciel_domain::{MediaId, UserId};
//!
//! let media = Media {
//!     id: MediaId::generate(),
//!     owner_id: UserId::generate(),
//!     original_key: "media/o/u/original.jpg".into(),
//!     thumb_key: "media/o/u/thumb.jpg".into(),
//!     medium_key: "media/o/u/medium.jpg".into(),
//!     width: 1200,
//!     height: 800,
//!     bytes: 250_000,
//!     created_at: Utc::now(),
//!     blurhash: None,
//! };
//! let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! // With no store configured, the media is shown without URLs.
//! let view = rt.block_on(MediaUrls::new(None).view(media.clone()));
//! assert_eq!((view.media, view.thumb_url), (media, None));
//! assert_eq!(MEDIA_URL_TTL.as_secs(), 3600);
//! ```

use ciel_domain::media::Media;
use ciel_domain::ports::ObjectStore;
use std::sync::Arc;
use std::time::Duration;

/// How long a media URL is valid.
pub const MEDIA_URL_TTL: Duration = Duration::from_secs(3600);

/// A media with its URLs, as responses show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaView {
    /// The media.
    pub media: Media,
    /// The 200 px derivative.
    pub thumb_url: Option<String>,
    /// The 800 px derivative.
    pub medium_url: Option<String>,
    /// The original.
    pub original_url: Option<String>,
}

/// Signs media URLs.
#[derive(Clone)]
pub struct MediaUrls {
    store: Option<Arc<dyn ObjectStore>>,
}

impl MediaUrls {
    /// URLs from `store`; with no store, never a URL.
    pub fn new(store: Option<Arc<dyn ObjectStore>>) -> Self {
        Self { store }
    }

    async fn sign(&self, key: &str) -> Option<String> {
        let store = self.store.as_ref()?;
        match store.presign_get(key, MEDIA_URL_TTL).await {
            Ok(url) => Some(url),
            Err(err) => {
                tracing::warn!(error = %err, "signing a media URL failed");
                None
            }
        }
    }

    /// The media with its three URLs.
    pub async fn view(&self, media: Media) -> MediaView {
        MediaView {
            thumb_url: self.sign(&media.thumb_key).await,
            medium_url: self.sign(&media.medium_key).await,
            original_url: self.sign(&media.original_key).await,
            media,
        }
    }
}
