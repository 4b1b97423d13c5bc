//! Hostile input: over-limit and zero dimensions, decompression bombs, truncated files and
//! random bytes are refused with the right error — never a panic, never a large allocation.

use crate::alloc::peak_during;
use crate::fixtures::{jpeg, photo, png, png_chunk, webp};
use ciel_domain::ports::{ImageError, ImageFormat, ImageLimits, ImageProcessor};
use ciel_media::ImagePipeline;
use image::{DynamicImage, GrayImage};

fn run(bytes: &[u8], format: ImageFormat, limits: ImageLimits) -> Result<(), ImageError> {
    ImagePipeline::default()
        .process(bytes, format, limits)
        .map(|_| ())
}

/// A PNG declaring `width`×`height` with a few bytes of (compressed) zero rows.
fn png_declaring(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(png_chunk(b"IHDR", &ihdr));
    // zlib: a fixed-Huffman block of zeros, enough to start decoding.
    out.extend(png_chunk(
        b"IDAT",
        &[0x78, 0x9C, 0x63, 0x60, 0x18, 0x05, 0x00],
    ));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

/// A real JPEG whose frame header is rewritten to declare `width`×`height`.
fn jpeg_declaring(width: u16, height: u16) -> Vec<u8> {
    let mut bytes = jpeg(&DynamicImage::ImageRgb8(photo(16, 16)));
    let sof = bytes
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("baseline frame header");
    bytes[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    bytes
}

#[test]
fn a_declared_20000_px_side_is_too_large_before_any_pixels_are_allocated() {
    let limits = ImageLimits::default();
    for (bytes, format) in [
        (png_declaring(20_000, 10), ImageFormat::Png),
        (jpeg_declaring(20_000, 16), ImageFormat::Jpeg),
        (jpeg_declaring(16, 20_000), ImageFormat::Jpeg),
    ] {
        let (result, peak) = peak_during(|| run(&bytes, format, limits));
        let Err(ImageError::TooLarge { width, height }) = result else {
            panic!("{format:?}: {result:?}");
        };
        assert_eq!(width.max(height), 20_000);
        assert!(peak < 1 << 20, "{format:?}: {peak} bytes allocated");
    }
}

#[test]
fn a_decompression_bomb_is_too_large_without_allocating_its_pixels() {
    // 11 000 × 11 000 = 121 Mpx: each side is allowed, the pixel count is not.
    let limits = ImageLimits::default();
    let bomb = png_declaring(11_000, 11_000);
    assert!(bomb.len() < 100);
    let (result, peak) = peak_during(|| run(&bomb, ImageFormat::Png, limits));
    assert_eq!(
        result,
        Err(ImageError::TooLarge {
            width: 11_000,
            height: 11_000
        })
    );
    assert!(peak < 1 << 20, "{peak} bytes allocated");

    // A real one: 3000 × 3000 of zeros compresses to a few KiB; under a 4 Mpx budget it is
    // refused without its 9 MB of pixels ever existing.
    let zeros = png(&DynamicImage::ImageLuma8(GrayImage::new(3000, 3000)));
    assert!(zeros.len() < 64 << 10, "{} bytes", zeros.len());
    let tight = ImageLimits {
        max_side: 12_000,
        max_pixels: 4_000_000,
    };
    let (result, peak) = peak_during(|| run(&zeros, ImageFormat::Png, tight));
    assert!(
        matches!(result, Err(ImageError::TooLarge { .. })),
        "{result:?}"
    );
    assert!(peak < 1 << 20, "{peak} bytes allocated");
}

#[test]
fn a_webp_over_the_limits_is_too_large() {
    let bytes = webp(&DynamicImage::ImageRgb8(photo(300, 200)));
    let tight = ImageLimits {
        max_side: 250,
        max_pixels: 100_000_000,
    };
    assert_eq!(
        run(&bytes, ImageFormat::Webp, tight),
        Err(ImageError::TooLarge {
            width: 300,
            height: 200
        })
    );
}

#[test]
fn zero_dimensions_are_corrupt() {
    for (bytes, format) in [
        (png_declaring(0, 10), ImageFormat::Png),
        (jpeg_declaring(16, 0), ImageFormat::Jpeg),
        (jpeg_declaring(0, 16), ImageFormat::Jpeg),
    ] {
        let result = run(&bytes, format, ImageLimits::default());
        assert!(
            matches!(result, Err(ImageError::Corrupt(_))),
            "{format:?}: {result:?}"
        );
    }
}

fn samples() -> Vec<(Vec<u8>, ImageFormat)> {
    let image = DynamicImage::ImageRgb8(photo(120, 90));
    vec![
        (jpeg(&image), ImageFormat::Jpeg),
        (png(&image), ImageFormat::Png),
        (webp(&image), ImageFormat::Webp),
    ]
}

#[test]
fn truncated_files_are_corrupt() {
    for (bytes, format) in samples() {
        assert!(run(&bytes, format, ImageLimits::default()).is_ok());
        let len = bytes.len();
        for cut in [
            0,
            1,
            3,
            8,
            16,
            30,
            len / 4,
            len / 2,
            len * 3 / 4,
            len - 2,
            len - 1,
        ] {
            let result = run(&bytes[..cut], format, ImageLimits::default());
            assert!(
                matches!(result, Err(ImageError::Corrupt(_))),
                "{format:?} cut at {cut}/{len}: {result:?}"
            );
        }
    }
}

#[test]
fn random_bytes_and_the_wrong_format_are_corrupt() {
    let mut seed = 0x9E37_79B9_u32;
    let mut random = |n: usize| -> Vec<u8> {
        (0..n)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                seed as u8
            })
            .collect()
    };
    for format in [ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::Webp] {
        for n in [0, 1, 7, 64, 4096] {
            let result = run(&random(n), format, ImageLimits::default());
            assert!(
                matches!(result, Err(ImageError::Corrupt(_))),
                "{format:?} {n}: {result:?}"
            );
        }
    }
    let samples = samples();
    for (bytes, _) in &samples {
        for (_, format) in &samples {
            let result = run(bytes, *format, ImageLimits::default());
            if image::guess_format(bytes).ok() != Some(image_format(*format)) {
                assert!(
                    matches!(result, Err(ImageError::Corrupt(_))),
                    "{format:?}: {result:?}"
                );
            }
        }
    }
}

fn image_format(format: ImageFormat) -> image::ImageFormat {
    match format {
        ImageFormat::Jpeg => image::ImageFormat::Jpeg,
        ImageFormat::Png => image::ImageFormat::Png,
        ImageFormat::Webp => image::ImageFormat::WebP,
    }
}

#[test]
fn garbage_inside_a_valid_container_is_never_a_panic() {
    // Valid headers, scrambled payload: every byte of the body flipped in turn on a small file.
    for (bytes, format) in samples() {
        for i in (0..bytes.len()).step_by(7) {
            let mut broken = bytes.clone();
            broken[i] ^= 0x5A;
            // Any outcome but a panic is acceptable: a flipped byte in entropy data may still
            // decode; broken structure must be an error, not a crash.
            let _ = run(&broken, format, ImageLimits::default());
        }
    }
}
