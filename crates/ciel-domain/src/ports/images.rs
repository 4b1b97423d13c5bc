//! The image-processing port: turn an uploaded photo into what may be served — a clean
//! original, the 200 px thumb and the 800 px medium derivative, and a BlurHash placeholder.
//! Implemented by pure functions in `ciel-media`; CPU-bound, so callers run it off the async
//! executor. Every error here is permanent (the same bytes will always fail the same way).
//!
//! # Example
//!
//! Formats, limits, and a processor that refuses what it cannot decode (every error permanent):
//!
//! ```
//! use ciel_domain::ports::{ImageError, ImageFormat, ImageLimits, ImageProcessor, ProcessedImage};
//!
//! assert_eq!(ImageFormat::from_content_type("image/webp"), Some(ImageFormat::Webp));
//! assert_eq!(ImageFormat::from_content_type("image/gif"), None);
//! assert_eq!(ImageFormat::Jpeg.extension(), "jpg");
//! assert_eq!(ImageLimits::default().max_side, 12_000);
//!
//! struct Refuses;
//! impl ImageProcessor for Refuses {
//!     fn process(&self, bytes: &[u8], _: ImageFormat, limits: ImageLimits) -> Result<ProcessedImage, ImageError> {
//!         if bytes.is_empty() {
//!             return Err(ImageError::Corrupt("empty".into()));
//!         }
//!         Err(ImageError::TooLarge { width: limits.max_side + 1, height: 1 })
//!     }
//! }
//! let err = Refuses.process(&[], ImageFormat::Png, ImageLimits::default()).unwrap_err();
//! assert_eq!(err.to_string(), "the image cannot be decoded: empty");
//! ```

/// The photo formats Ciel accepts (contract §3.9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    /// `image/jpeg`, `.jpg`.
    Jpeg,
    /// `image/png`, `.png`.
    Png,
    /// `image/webp`, `.webp`.
    Webp,
}

impl ImageFormat {
    /// The format of an accepted content type; `None` for anything else.
    pub fn from_content_type(content_type: &str) -> Option<Self> {
        match content_type {
            "image/jpeg" => Some(Self::Jpeg),
            "image/png" => Some(Self::Png),
            "image/webp" => Some(Self::Webp),
            _ => None,
        }
    }

    /// The content type.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
        }
    }

    /// The file extension used in storage keys.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
        }
    }
}

/// Longest side a thumb may have, in pixels.
pub const THUMB_MAX_SIDE: u32 = 200;
/// Longest side a medium derivative may have, in pixels.
pub const MEDIUM_MAX_SIDE: u32 = 800;

/// What a decoder may accept before it refuses (decompression-bomb guard).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageLimits {
    /// Largest width or height, in pixels (contract: 12 000).
    pub max_side: u32,
    /// Largest width × height, in pixels.
    pub max_pixels: u64,
}

impl Default for ImageLimits {
    fn default() -> Self {
        Self {
            max_side: 12_000,
            max_pixels: 100_000_000,
        }
    }
}

/// A processed photo: every byte here is free of metadata (EXIF, XMP, GPS), with the
/// orientation applied to the pixels, encoded in the source format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessedImage {
    /// Width of the (oriented) original, in pixels.
    pub width: u32,
    /// Height of the (oriented) original, in pixels.
    pub height: u32,
    /// The original's pixels, re-encoded without metadata (what `original_url` serves).
    pub original: Vec<u8>,
    /// Longest side ≤ 200 px; never upscaled.
    pub thumb: Vec<u8>,
    /// Longest side ≤ 800 px; never upscaled.
    pub medium: Vec<u8>,
    /// A BlurHash of the thumb.
    pub blurhash: String,
}

/// Why a photo cannot be processed. All are permanent: the upload becomes `failed`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    /// The bytes are not a decodable image of the declared format.
    #[error("the image cannot be decoded: {0}")]
    Corrupt(String),
    /// The image is larger than the limits allow.
    #[error("the image is too large: {width}x{height}")]
    TooLarge {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
    },
    /// Encoding a derivative failed.
    #[error("encoding failed: {0}")]
    Encode(String),
}

/// Processes photos.
pub trait ImageProcessor: Send + Sync + 'static {
    /// Decodes `bytes` as `format` within `limits`, applies the orientation, strips metadata
    /// and produces the clean original, both derivatives and the BlurHash.
    fn process(
        &self,
        bytes: &[u8],
        format: ImageFormat,
        limits: ImageLimits,
    ) -> Result<ProcessedImage, ImageError>;
}
