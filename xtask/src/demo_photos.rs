//! Small, pleasant demo photos drawn in code (a sky gradient, a sun and layered hills in one of
//! a few palettes), encoded as JPEG: real images for the real media pipeline, no files to ship.

use anyhow::Result;
use image::{ImageEncoder, Rgb, RgbImage};

/// An RGB colour.
type Colour = [u8; 3];

/// `(sky top, sky bottom, sun, near hills)` colours.
const PALETTES: [(Colour, Colour, Colour, Colour); 4] = [
    (
        [24, 56, 120],
        [250, 170, 110],
        [255, 226, 150],
        [40, 60, 50],
    ),
    (
        [90, 160, 220],
        [210, 235, 250],
        [255, 250, 220],
        [60, 110, 60],
    ),
    ([40, 20, 70], [230, 100, 90], [255, 200, 120], [30, 25, 45]),
    (
        [150, 190, 210],
        [240, 225, 200],
        [255, 255, 240],
        [110, 90, 70],
    ),
];

fn mix(a: [u8; 3], b: [u8; 3], t: f32) -> Rgb<u8> {
    let c = |i: usize| (f32::from(a[i]) + (f32::from(b[i]) - f32::from(a[i])) * t).round() as u8;
    Rgb([c(0), c(1), c(2)])
}

/// Photo number `n` (any `n`; palettes and shapes vary with it) as a `width`×`height` JPEG.
pub fn photo(n: usize, width: u32, height: u32) -> Result<Vec<u8>> {
    let (top, bottom, sun, hills) = PALETTES[n % PALETTES.len()];
    let (w, h) = (width as f32, height as f32);
    let sun_x = w * (0.25 + 0.5 * ((n * 37 % 100) as f32 / 100.0));
    let sun_y = h * 0.42;
    let sun_r = h * 0.09;
    let phase = n as f32 * 1.7;
    let img = RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let far = h * (0.62 + 0.05 * (fx / w * 5.0 + phase).sin());
        let near = h * (0.75 + 0.06 * (fx / w * 3.0 + phase * 0.5).cos());
        if fy > near {
            return mix(hills, [0, 0, 0], (fy - near) / h);
        }
        if fy > far {
            return mix(hills, bottom, 0.45);
        }
        let d = ((fx - sun_x).powi(2) + (fy - sun_y).powi(2)).sqrt();
        if d < sun_r {
            return Rgb(sun);
        }
        let glow = (1.0 - (d - sun_r) / (h * 0.5)).clamp(0.0, 1.0) * 0.35;
        let sky = mix(top, bottom, fy / far);
        mix(sky.0, sun, glow)
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).write_image(
        img.as_raw(),
        width,
        height,
        image::ExtendedColorType::Rgb8,
    )?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_are_jpegs_of_the_asked_size_and_differ() {
        let a = photo(0, 64, 48).unwrap();
        let b = photo(1, 64, 48).unwrap();
        assert_eq!(&a[..2], b"\xFF\xD8");
        assert_ne!(a, b);
        let decoded = image::load_from_memory(&a).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (64, 48));
    }
}
