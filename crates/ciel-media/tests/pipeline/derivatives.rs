//! Derivative sizes, formats, colour types and the BlurHash, checked by decoding the outputs.

use crate::fixtures::{decode, jpeg, photo, png, process, translucent, webp};
use ciel_domain::ports::ImageFormat;
use image::{ColorType, DynamicImage, GenericImageView, ImageBuffer, Luma, Rgb};

fn sizes(bytes: &[u8], format: ImageFormat) -> [(u32, u32); 3] {
    let p = process(bytes, format);
    let [o, m, t] = [&p.original, &p.medium, &p.thumb].map(|b| decode(b, format).dimensions());
    assert_eq!((p.width, p.height), o, "reported size is the original's");
    [o, m, t]
}

#[test]
fn a_landscape_jpeg_gets_800_and_200_px_derivatives_with_its_aspect() {
    let source = jpeg(&DynamicImage::ImageRgb8(photo(1600, 1200)));
    assert_eq!(
        sizes(&source, ImageFormat::Jpeg),
        [(1600, 1200), (800, 600), (200, 150)]
    );
}

#[test]
fn a_portrait_png_and_a_webp_get_their_derivatives_in_their_own_format() {
    let image = DynamicImage::ImageRgb8(photo(900, 1500));
    assert_eq!(
        sizes(&png(&image), ImageFormat::Png),
        [(900, 1500), (480, 800), (120, 200)]
    );
    assert_eq!(
        sizes(&webp(&image), ImageFormat::Webp),
        [(900, 1500), (480, 800), (120, 200)]
    );
}

#[test]
fn a_small_source_is_re_encoded_at_its_own_size_never_upscaled() {
    let small = DynamicImage::ImageRgb8(photo(40, 20));
    for (bytes, format) in [
        (jpeg(&small), ImageFormat::Jpeg),
        (png(&small), ImageFormat::Png),
        (webp(&small), ImageFormat::Webp),
    ] {
        assert_eq!(sizes(&bytes, format), [(40, 20); 3], "{format:?}");
    }
    let between = DynamicImage::ImageRgb8(photo(300, 150));
    assert_eq!(
        sizes(&jpeg(&between), ImageFormat::Jpeg),
        [(300, 150), (300, 150), (200, 100)]
    );
}

#[test]
fn alpha_is_kept_for_png_and_webp() {
    let image = DynamicImage::ImageRgba8(translucent(1000, 500));
    for (bytes, format) in [
        (png(&image), ImageFormat::Png),
        (webp(&image), ImageFormat::Webp),
    ] {
        let p = process(&bytes, format);
        for out in [&p.medium, &p.thumb] {
            let decoded = decode(out, format);
            assert!(decoded.color().has_alpha(), "{format:?} lost its alpha");
            let rgba = decoded.to_rgba8();
            assert_eq!(rgba.get_pixel(1, 1)[3], 0, "left half stays transparent");
            let right = rgba.width() - 2;
            assert_eq!(rgba.get_pixel(right, 1)[3], 255, "right half stays opaque");
        }
    }
}

#[test]
fn grayscale_stays_grayscale_and_16_bit_png_becomes_8_bit() {
    let gray = DynamicImage::ImageLuma8(ImageBuffer::from_fn(1200, 900, |x, y| {
        Luma([((x + y) % 256) as u8])
    }));
    let p = process(&jpeg(&gray), ImageFormat::Jpeg);
    assert_eq!(decode(&p.medium, ImageFormat::Jpeg).color(), ColorType::L8);
    assert_eq!(
        decode(&p.medium, ImageFormat::Jpeg).dimensions(),
        (800, 600)
    );

    let deep = DynamicImage::ImageRgb16(ImageBuffer::from_fn(1000, 400, |x, _| {
        Rgb([(x * 60) as u16, 30_000, 65_535])
    }));
    let p = process(&png(&deep), ImageFormat::Png);
    let medium = decode(&p.medium, ImageFormat::Png);
    assert_eq!(medium.color(), ColorType::Rgb8);
    assert_eq!(medium.dimensions(), (800, 320));
    assert_eq!(medium.to_rgb8().get_pixel(400, 100)[2], 255);
}

#[test]
fn derivatives_look_like_the_source() {
    let source = photo(1600, 1200);
    let p = process(
        &jpeg(&DynamicImage::ImageRgb8(source.clone())),
        ImageFormat::Jpeg,
    );
    let medium = decode(&p.medium, ImageFormat::Jpeg).to_rgb8();
    // Same gradient: compare a few points against the source at twice the coordinates.
    for (x, y) in [(10, 10), (400, 300), (790, 590), (100, 500)] {
        let a = medium.get_pixel(x, y);
        let b = source.get_pixel(x * 2, y * 2);
        for c in 0..3 {
            let diff = (i32::from(a[c]) - i32::from(b[c])).abs();
            assert!(diff <= 20, "pixel ({x},{y}) channel {c}: {a:?} vs {b:?}");
        }
    }
}

#[test]
fn the_blurhash_is_4x3_components_of_the_thumb() {
    let p = process(
        &png(&DynamicImage::ImageRgb8(photo(400, 300))),
        ImageFormat::Png,
    );
    // 1 (size) + 1 (max AC) + 4 (DC) + 2 per AC component (11).
    assert_eq!(p.blurhash.len(), 28, "{}", p.blurhash);
    let (w, h) = (32, 24);
    let decoded = blurhash::decode(&p.blurhash, w, h, 1.0).unwrap();
    assert_eq!(decoded.len(), (w * h * 4) as usize);
}

#[test]
fn a_lossy_webp_gets_lossy_derivatives_that_look_like_the_source() {
    let source = photo(1600, 1200);
    let lossy =
        ciel_media::pipeline::encode(&DynamicImage::ImageRgb8(source.clone()), ImageFormat::Webp)
            .expect("encoding a lossy WebP");
    assert_eq!(
        &lossy[12..16],
        b"VP8 ",
        "the source is lossy, as phones write WebP"
    );
    assert_eq!(
        sizes(&lossy, ImageFormat::Webp),
        [(1600, 1200), (800, 600), (200, 150)]
    );
    let p = process(&lossy, ImageFormat::Webp);
    for out in [&p.medium, &p.thumb] {
        assert_eq!(&out[12..16], b"VP8 ", "derivatives are lossy WebP");
    }
    let medium = decode(&p.medium, ImageFormat::Webp).to_rgb8();
    for (x, y) in [(10, 10), (400, 300), (790, 590), (100, 500)] {
        let a = medium.get_pixel(x, y);
        let b = source.get_pixel(x * 2, y * 2);
        for c in 0..3 {
            let diff = (i32::from(a[c]) - i32::from(b[c])).abs();
            assert!(diff <= 20, "pixel ({x},{y}) channel {c}: {a:?} vs {b:?}");
        }
    }
}
