//! Encoding in the source format from pixels only, so nothing but pixels reaches the output:
//! JPEG at quality 82 (`jpeg-encoder`, AVX2 when the CPU has it), PNG (fast deflate, adaptive
//! filters), lossy WebP at quality 82 (libwebp; alpha kept, losslessly compressed).

use super::libwebp;
use super::orient::Oriented;
use ciel_domain::ports::{ImageError, ImageFormat};
use image::DynamicImage;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::metadata::Orientation;

/// JPEG quality of re-encoded images.
pub const JPEG_QUALITY: u8 = 82;

/// WebP quality of re-encoded images (lossy, as phones and browsers write WebP).
pub const WEBP_QUALITY: f32 = 82.0;

/// Encodes `image` as `format` from its pixels alone (public so the bench can time it).
pub fn encode(image: &DynamicImage, format: ImageFormat) -> Result<Vec<u8>, ImageError> {
    match format {
        ImageFormat::Jpeg => jpeg(image, Orientation::NoTransforms),
        ImageFormat::Png => {
            let mut out = Vec::new();
            let encoder =
                PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive);
            image.write_with_encoder(encoder).map_err(failed)?;
            Ok(out)
        }
        ImageFormat::Webp => libwebp::encode(image, WEBP_QUALITY),
    }
}

/// Encodes `image` turned upright by `orientation`. JPEG is written from an oriented view
/// (no second full-size buffer); the other formats turn the pixels first.
pub(crate) fn encode_upright(
    mut image: DynamicImage,
    orientation: Orientation,
    format: ImageFormat,
) -> Result<Vec<u8>, ImageError> {
    if format == ImageFormat::Jpeg {
        return jpeg(&image, orientation);
    }
    image.apply_orientation(orientation);
    encode(&image, format)
}

fn failed(e: image::ImageError) -> ImageError {
    ImageError::Encode(e.to_string())
}

fn jpeg(image: &DynamicImage, orientation: Orientation) -> Result<Vec<u8>, ImageError> {
    let side =
        |v: u32| u16::try_from(v).map_err(|_| ImageError::Encode("JPEG side over 65535".into()));
    let (width, height) = (side(image.width())?, side(image.height())?);
    let mut out = Vec::new();
    let encoder = jpeg_encoder::Encoder::new(&mut out, JPEG_QUALITY);
    let failed = |e: jpeg_encoder::EncodingError| ImageError::Encode(e.to_string());
    // JPEG has no alpha: a source decoded with alpha is flattened to its colour.
    let (pixels, grey) = match image {
        DynamicImage::ImageLuma8(g) => (std::borrow::Cow::Borrowed(g.as_raw()), true),
        DynamicImage::ImageRgb8(c) => (std::borrow::Cow::Borrowed(c.as_raw()), false),
        other if !other.color().has_color() => {
            (std::borrow::Cow::Owned(other.to_luma8().into_raw()), true)
        }
        other => (std::borrow::Cow::Owned(other.to_rgb8().into_raw()), false),
    };
    if orientation == Orientation::NoTransforms {
        let color = if grey {
            jpeg_encoder::ColorType::Luma
        } else {
            jpeg_encoder::ColorType::Rgb
        };
        encoder
            .encode(&pixels, width, height, color)
            .map_err(failed)?;
    } else {
        let view = Oriented::new(
            &pixels,
            if grey { 1 } else { 3 },
            width,
            height,
            orientation,
        );
        encoder.encode_image(view).map_err(failed)?;
    }
    Ok(out)
}
