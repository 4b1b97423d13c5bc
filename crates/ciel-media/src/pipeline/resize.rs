//! Derivative sizes and SIMD resizing (fast_image_resize; alpha is premultiplied while
//! filtering so transparent pixels do not bleed colour).

use ciel_domain::ports::ImageError;
use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::DynamicImage;

/// The size that fits `max_side` on the longest side, keeping the aspect ratio; never larger
/// than the source, never zero.
pub fn fit(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= max_side {
        return (width, height);
    }
    let scale = |side: u32| {
        let scaled =
            (u64::from(side) * u64::from(max_side) + u64::from(longest) / 2) / u64::from(longest);
        u32::try_from(scaled).unwrap_or(max_side).clamp(1, max_side)
    };
    (scale(width), scale(height))
}

/// `image` resized to exactly `width`×`height` (a copy when it already has that size).
pub(crate) fn resize(
    image: &DynamicImage,
    width: u32,
    height: u32,
) -> Result<DynamicImage, ImageError> {
    if image.width() == width && image.height() == height {
        return Ok(image.clone());
    }
    let mut out = DynamicImage::new(width, height, image.color());
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new()
        .resize(image, &mut out, &options)
        .map_err(|e| ImageError::Encode(format!("resize: {e}")))?;
    Ok(out)
}

/// `image` itself when it already has that size, else resized (no copy of a ready image).
pub(crate) fn into_size(
    image: DynamicImage,
    width: u32,
    height: u32,
) -> Result<DynamicImage, ImageError> {
    if image.width() == width && image.height() == height {
        return Ok(image);
    }
    resize(&image, width, height)
}
