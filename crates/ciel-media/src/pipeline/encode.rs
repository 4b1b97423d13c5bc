//! Encoding in the source format from pixels only, so nothing but pixels reaches the output:
//! JPEG at quality 82, PNG (fast deflate, adaptive filters), WebP lossless (the only WebP
//! encoder `image` has; lossy sources therefore give larger derivatives than their original).

use ciel_domain::ports::{ImageError, ImageFormat};
use image::DynamicImage;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::codecs::webp::WebPEncoder;

/// JPEG quality of re-encoded images.
pub const JPEG_QUALITY: u8 = 82;

/// Encodes `image` as `format`.
pub(crate) fn encode(image: &DynamicImage, format: ImageFormat) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::new();
    let failed = |e: image::ImageError| ImageError::Encode(e.to_string());
    match format {
        ImageFormat::Jpeg => {
            let encoder = JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
            // JPEG has no alpha: a source decoded with alpha is flattened to its colour.
            if image.color().has_alpha() {
                let flat = if image.color().has_color() {
                    DynamicImage::ImageRgb8(image.to_rgb8())
                } else {
                    DynamicImage::ImageLuma8(image.to_luma8())
                };
                flat.write_with_encoder(encoder).map_err(failed)?;
            } else {
                image.write_with_encoder(encoder).map_err(failed)?;
            }
        }
        ImageFormat::Png => {
            let encoder =
                PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive);
            image.write_with_encoder(encoder).map_err(failed)?;
        }
        ImageFormat::Webp => {
            image
                .write_with_encoder(WebPEncoder::new_lossless(&mut out))
                .map_err(failed)?;
        }
    }
    Ok(out)
}
