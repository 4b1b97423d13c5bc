//! Small real photos for the uploads: seeded gradients with noise, encoded as JPEG or PNG, so the
//! workers run the real pipeline on real files (same seed, same bytes).

use anyhow::Result;
use image::{ImageEncoder, RgbImage};
use rand::Rng;
use rand::rngs::StdRng;

/// One image to upload.
pub struct Photo {
    /// `image/jpeg` or `image/png`.
    pub content_type: &'static str,
    /// The encoded file.
    pub bytes: Vec<u8>,
}

/// A photo of 48–640 px per side, three quarters JPEG, drawn from `rng`.
pub fn photo(rng: &mut StdRng) -> Result<Photo> {
    let width = rng.random_range(48..=640u32);
    let height = rng.random_range(48..=640u32);
    let (r0, g0, b0): (u8, u8, u8) = (rng.random(), rng.random(), rng.random());
    let noise = rng.random_range(1..=40u8);
    let mut img = RgbImage::new(width, height);
    for (x, y, px) in img.enumerate_pixels_mut() {
        let n = rng.random_range(0..noise);
        px.0 = [
            r0.wrapping_add((x * 255 / width) as u8).wrapping_add(n),
            g0.wrapping_add((y * 255 / height) as u8).wrapping_add(n),
            b0.wrapping_add(((x + y) * 127 / (width + height)) as u8),
        ];
    }
    let mut bytes = Vec::new();
    let content_type = if rng.random_bool(0.75) {
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 85).write_image(
            img.as_raw(),
            width,
            height,
            image::ExtendedColorType::Rgb8,
        )?;
        "image/jpeg"
    } else {
        image::codecs::png::PngEncoder::new(&mut bytes).write_image(
            img.as_raw(),
            width,
            height,
            image::ExtendedColorType::Rgb8,
        )?;
        "image/png"
    };
    Ok(Photo {
        content_type,
        bytes,
    })
}
