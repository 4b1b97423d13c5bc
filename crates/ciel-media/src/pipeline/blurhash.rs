//! The BlurHash placeholder of the thumb (4×3 components, the usual choice for photos),
//! computed on the thumb shrunk to 64 px: a 4×3 cosine transform of a 200 px image and of its
//! 64 px version give the same hash (to rounding), at a tenth of the cost.

use ciel_domain::ports::ImageError;
use image::DynamicImage;

const COMPONENTS_X: u32 = 4;
const COMPONENTS_Y: u32 = 3;
const SAMPLE_SIDE: u32 = 64;

/// The BlurHash of `thumb`.
pub(crate) fn of(thumb: &DynamicImage) -> Result<String, ImageError> {
    let (width, height) = super::fit(thumb.width(), thumb.height(), SAMPLE_SIDE);
    let rgba = super::resize::resize(thumb, width, height)?.to_rgba8();
    blurhash::encode(
        COMPONENTS_X,
        COMPONENTS_Y,
        rgba.width(),
        rgba.height(),
        rgba.as_raw(),
    )
    .map_err(|e| ImageError::Encode(format!("blurhash: {e}")))
}
