//! The image pipeline: pure, CPU-bound functions that turn an uploaded photo into what may be
//! served ([`ImagePipeline`] implements the domain's `ImageProcessor` port).
//!
//! 1. `strip` walks the container (validating it) and rebuilds it from a whitelist of segments,
//!    which is the clean original whenever the photo is already upright; it also hands over the
//!    EXIF payload, read only for the orientation, and the header's dimensions.
//! 2. Limits are checked from the header before any pixels are allocated (`decode`).
//! 3. Upright photos: JPEGs are decoded at reduced DCT scale (libjpeg-turbo), just large
//!    enough for the medium derivative, and WebPs are scaled to the medium by libwebp while
//!    decoding; PNG is decoded in full. Rotated or flipped photos are decoded in full, turned
//!    upright (`orient`) and the original is re-encoded from pixels.
//! 4. `resize` makes the medium (≤800 px) and, from it, the thumb (≤200 px); `encode` writes
//!    them in the source format from pixels only; `blurhash` summarises the thumb.

mod blurhash;
mod decode;
mod encode;
mod libwebp;
mod orient;
mod resize;
mod strip;

pub use self::encode::{JPEG_QUALITY, WEBP_QUALITY, encode};
pub use self::resize::fit;

use ciel_domain::ports::images::{MEDIUM_MAX_SIDE, THUMB_MAX_SIDE};
use ciel_domain::ports::{ImageError, ImageFormat, ImageLimits, ImageProcessor, ProcessedImage};
use image::metadata::Orientation;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The production [`ImageProcessor`]: stateless, cheap to construct, safe to share.
/// Construct it with `ImagePipeline::default()` (or `new()`).
#[derive(Clone, Copy, Debug, Default)]
pub struct ImagePipeline {
    // Room for settings (e.g. a JPEG quality) without breaking callers.
    _private: (),
}

impl ImagePipeline {
    /// A pipeline.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only the derivatives and the BlurHash (no clean original) — what `cargo xtask bench
    /// media` compares with `vipsthumbnail`, which makes nothing else.
    pub fn derivatives(
        &self,
        bytes: &[u8],
        format: ImageFormat,
        limits: ImageLimits,
    ) -> Result<Derivatives, ImageError> {
        guarded(|| {
            let stripped = strip::strip(bytes, format)?;
            if let Some((width, height)) = stripped.dimensions {
                decode::check_limits(width, height, limits)?;
            }
            let orientation = orient::from_exif(stripped.exif);
            let source = stripped.clean.as_deref().unwrap_or(bytes);
            let (derivatives, _) = derive(
                source,
                format,
                limits,
                stripped.dimensions,
                orientation,
                false,
            )?;
            Ok(derivatives)
        })
    }
}

/// The decode stage of [`ImagePipeline::derivatives`] alone — the pixels the medium is made
/// from (public so the bench can time it).
pub fn decode_for_derivatives(
    bytes: &[u8],
    format: ImageFormat,
    limits: ImageLimits,
) -> Result<image::DynamicImage, ImageError> {
    guarded(|| {
        let stripped = strip::strip(bytes, format)?;
        if let Some((width, height)) = stripped.dimensions {
            decode::check_limits(width, height, limits)?;
        }
        let source = stripped.clean.as_deref().unwrap_or(bytes);
        Ok(decode(source, format, limits, stripped.dimensions, false)?.0)
    })
}

impl ImageProcessor for ImagePipeline {
    fn process(
        &self,
        bytes: &[u8],
        format: ImageFormat,
        limits: ImageLimits,
    ) -> Result<ProcessedImage, ImageError> {
        guarded(|| process(bytes, format, limits))
    }
}

/// The derivatives of one photo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Derivatives {
    /// Width of the upright original.
    pub width: u32,
    /// Height of the upright original.
    pub height: u32,
    /// Longest side ≤ 200 px, source format.
    pub thumb: Vec<u8>,
    /// Longest side ≤ 800 px, source format.
    pub medium: Vec<u8>,
    /// BlurHash of the thumb.
    pub blurhash: String,
}

/// Decoders are fuzzed, but a panic on hostile bytes must still end as a permanent failure of
/// that one upload, not as a crashed job that the queue would retry.
fn guarded<T>(work: impl FnOnce() -> Result<T, ImageError>) -> Result<T, ImageError> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|_| {
        tracing::error!("an image decoder panicked on malformed input");
        Err(ImageError::Corrupt(
            "the image is malformed (the decoder gave up)".into(),
        ))
    })
}

fn process(
    bytes: &[u8],
    format: ImageFormat,
    limits: ImageLimits,
) -> Result<ProcessedImage, ImageError> {
    let stripped = strip::strip(bytes, format)?;
    if let Some((width, height)) = stripped.dimensions {
        decode::check_limits(width, height, limits)?;
    }
    let orientation = orient::from_exif(stripped.exif);
    let lossless = orientation == Orientation::NoTransforms && stripped.clean.is_some();
    let source = stripped.clean.as_deref().unwrap_or(bytes);
    let (derivatives, original) = derive(
        source,
        format,
        limits,
        stripped.dimensions,
        orientation,
        !lossless,
    )?;
    let original = match (original, stripped.clean) {
        (Some(reencoded), _) => reencoded,
        (None, Some(clean)) => clean,
        (None, None) => unreachable_original()?,
    };
    Ok(ProcessedImage {
        width: derivatives.width,
        height: derivatives.height,
        original,
        thumb: derivatives.thumb,
        medium: derivatives.medium,
        blurhash: derivatives.blurhash,
    })
}

fn unreachable_original() -> Result<Vec<u8>, ImageError> {
    Err(ImageError::Encode(
        "no clean original was produced".to_owned(),
    ))
}

/// The pixels to derive from and the full size of the image. Unless the original must be
/// re-encoded, JPEG is decoded at reduced DCT scale and WebP scaled by libwebp while decoding,
/// both to at least the medium's size; everything else is decoded in full.
fn decode(
    source: &[u8],
    format: ImageFormat,
    limits: ImageLimits,
    dimensions: Option<(u32, u32)>,
    full_size_needed: bool,
) -> Result<decode::Decoded, ImageError> {
    if format == ImageFormat::Webp
        && let Some(decoded) = decode::decode_webp(source, !full_size_needed, limits)?
    {
        return Ok(decoded);
    }
    let scaled = match dimensions {
        Some((w, h)) if format == ImageFormat::Jpeg && !full_size_needed => {
            decode::decode_jpeg_scaled(source, fit(w, h, MEDIUM_MAX_SIDE), limits)?
        }
        _ => None,
    };
    match (scaled, dimensions) {
        // A reduced decode is smaller than the image: its size is the header's.
        (Some(image), Some(size)) => Ok((image, size)),
        _ => {
            let full = decode::decode_full(source, format, limits)?;
            let size = (full.width(), full.height());
            Ok((full, size))
        }
    }
}

/// Decodes `source` (already stripped), makes the derivatives and, when `reencode_original`,
/// the upright original re-encoded from its pixels. The medium is made from the unturned pixels
/// and turned afterwards, so turning never touches a full-size image except for the original.
fn derive(
    source: &[u8],
    format: ImageFormat,
    limits: ImageLimits,
    dimensions: Option<(u32, u32)>,
    orientation: Orientation,
    reencode_original: bool,
) -> Result<(Derivatives, Option<Vec<u8>>), ImageError> {
    let (image, (width, height)) = decode(source, format, limits, dimensions, reencode_original)?;
    let (medium_w, medium_h) = fit(width, height, MEDIUM_MAX_SIDE);
    let (mut medium, full) = if reencode_original {
        (resize::resize(&image, medium_w, medium_h)?, Some(image))
    } else {
        // A WebP scaled while decoding is already the medium.
        (resize::into_size(image, medium_w, medium_h)?, None)
    };
    orient::apply(&mut medium, orientation);
    let original = match full {
        Some(image) => Some(encode::encode_upright(image, orientation, format)?),
        None => None,
    };
    let (width, height) = if orient::swaps_sides(orientation) {
        (height, width)
    } else {
        (width, height)
    };
    let (thumb_w, thumb_h) = fit(width, height, THUMB_MAX_SIDE);
    let thumb = resize::resize(&medium, thumb_w, thumb_h)?;
    let derivatives = Derivatives {
        width,
        height,
        blurhash: blurhash::of(&thumb)?,
        thumb: encode::encode(&thumb, format)?,
        medium: encode::encode(&medium, format)?,
    };
    Ok((derivatives, original))
}
