//! The BlurHash placeholder of the thumb (4×3 components, the usual choice for photos).

use ciel_domain::ports::ImageError;
use image::DynamicImage;

const COMPONENTS_X: u32 = 4;
const COMPONENTS_Y: u32 = 3;

/// The BlurHash of `thumb`.
pub(crate) fn of(thumb: &DynamicImage) -> Result<String, ImageError> {
    let rgba = thumb.to_rgba8();
    blurhash::encode(
        COMPONENTS_X,
        COMPONENTS_Y,
        rgba.width(),
        rgba.height(),
        rgba.as_raw(),
    )
    .map_err(|e| ImageError::Encode(format!("blurhash: {e}")))
}
