//! EXIF orientation: read from the EXIF payload the stripper found, applied to the pixels so no
//! output needs (or carries) the tag.

use image::DynamicImage;
use image::metadata::Orientation;

/// The orientation an EXIF payload declares; no payload or no valid tag means upright.
pub(crate) fn from_exif(exif: Option<&[u8]>) -> Orientation {
    exif.and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms)
}

/// Whether the orientation swaps width and height.
pub(crate) fn swaps_sides(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

/// Turns the pixels upright.
pub(crate) fn apply(image: &mut DynamicImage, orientation: Orientation) {
    image.apply_orientation(orientation);
}
