//! EXIF orientation: read from the EXIF payload the stripper found, applied to the pixels so no
//! output needs (or carries) the tag. [`Oriented`] is an upright view of unturned pixels that
//! the JPEG encoder reads row by row, so a 12 MP original is never copied to be turned.

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

/// An upright view of grey (1 channel) or RGB (3 channels) pixels stored unturned.
pub(crate) struct Oriented<'a> {
    pixels: &'a [u8],
    channels: usize,
    /// Stored (unturned) size.
    width: u16,
    height: u16,
    orientation: Orientation,
}

impl<'a> Oriented<'a> {
    pub(crate) fn new(
        pixels: &'a [u8],
        channels: usize,
        width: u16,
        height: u16,
        orientation: Orientation,
    ) -> Self {
        Self {
            pixels,
            channels,
            width,
            height,
            orientation,
        }
    }

    /// The stored pixel shown at upright (`x`, `y`).
    fn source(&self, x: usize, y: usize) -> (usize, usize) {
        let (w, h) = (usize::from(self.width), usize::from(self.height));
        match self.orientation {
            Orientation::NoTransforms => (x, y),
            Orientation::FlipHorizontal => (w - 1 - x, y),
            Orientation::Rotate180 => (w - 1 - x, h - 1 - y),
            Orientation::FlipVertical => (x, h - 1 - y),
            Orientation::Rotate90 => (y, h - 1 - x),
            Orientation::Rotate270 => (w - 1 - y, x),
            Orientation::Rotate90FlipH => (y, x),
            Orientation::Rotate270FlipH => (w - 1 - y, h - 1 - x),
        }
    }
}

impl jpeg_encoder::ImageBuffer for Oriented<'_> {
    fn get_jpeg_color_type(&self) -> jpeg_encoder::JpegColorType {
        if self.channels == 1 {
            jpeg_encoder::JpegColorType::Luma
        } else {
            jpeg_encoder::JpegColorType::Ycbcr
        }
    }

    fn width(&self) -> u16 {
        if swaps_sides(self.orientation) {
            self.height
        } else {
            self.width
        }
    }

    fn height(&self) -> u16 {
        if swaps_sides(self.orientation) {
            self.width
        } else {
            self.height
        }
    }

    fn fill_buffers(&self, y: u16, buffers: &mut [Vec<u8>; 4]) {
        let stride = usize::from(self.width) * self.channels;
        for x in 0..usize::from(jpeg_encoder::ImageBuffer::width(self)) {
            let (sx, sy) = self.source(x, usize::from(y));
            let at = sy * stride + sx * self.channels;
            if self.channels == 1 {
                buffers[0].push(self.pixels[at]);
            } else {
                let (luma, cb, cr) = jpeg_encoder::rgb_to_ycbcr(
                    self.pixels[at],
                    self.pixels[at + 1],
                    self.pixels[at + 2],
                );
                buffers[0].push(luma);
                buffers[1].push(cb);
                buffers[2].push(cr);
            }
        }
    }
}
