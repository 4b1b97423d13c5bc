//! Processed media: the `media` row the pipeline writes for a completed upload.
//!
//! # Example
//!
//! ```
//! use chrono::Utc;
//! use ciel_domain::media::Media;
//! use ciel_domain::uploads::MediaKeys;
//! use ciel_domain::ports::ImageFormat;
//! use ciel_domain::{MediaId, UploadId, UserId};
//!
//! let (owner, upload) = (UserId::generate(), UploadId::generate());
//! let keys = MediaKeys::new(owner, upload, ImageFormat::Jpeg);
//! let media = Media {
//!     id: MediaId::generate(),
//!     owner_id: owner,
//!     original_key: keys.original,
//!     thumb_key: keys.thumb.clone(),
//!     medium_key: keys.medium,
//!     width: 1200,
//!     height: 800,
//!     bytes: 250_000,
//!     created_at: Utc::now(),
//!     blurhash: None,
//! };
//! assert!(media.thumb_key.ends_with("/thumb.jpg"));
//! assert_eq!(media.clone(), media);
//! ```

use crate::time::Timestamp;
use crate::{MediaId, UserId};

/// A processed image and its derivatives (contract §1.8 Media, without URLs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Media {
    /// Its id.
    pub id: MediaId,
    /// The uploader.
    pub owner_id: UserId,
    /// Storage key of the original.
    pub original_key: String,
    /// Storage key of the 200 px derivative.
    pub thumb_key: String,
    /// Storage key of the 800 px derivative.
    pub medium_key: String,
    /// Width of the original, in pixels.
    pub width: i32,
    /// Height of the original, in pixels.
    pub height: i32,
    /// Declared size of the original, in bytes.
    pub bytes: i64,
    /// When processing finished.
    pub created_at: Timestamp,
    /// A BlurHash placeholder computed from the thumb (absent for media processed before
    /// placeholders existed).
    pub blurhash: Option<String>,
}
