//! Metadata never reaches an output; orientation is applied to the pixels; an upright
//! original is cleaned losslessly (same pixels as the upload).

use crate::fixtures::{
    SECRET, contains, corner_marked, decode, jpeg, outputs, photo, png, process, webp,
    with_jpeg_metadata, with_png_metadata, with_webp_metadata,
};
use ciel_domain::ports::{ImageFormat, ProcessedImage};
use image::{DynamicImage, GenericImageView, Rgb};

const FORBIDDEN: [&[u8]; 8] = [
    SECRET,
    b"Exif",
    b"GPS",
    b"xmpmeta",
    b"http://ns.adobe.com",
    b"ICC_PROFILE",
    b"Photoshop",
    b"8BIM",
];

fn assert_clean(p: &ProcessedImage, format: ImageFormat) {
    for (name, bytes) in outputs(p) {
        for needle in FORBIDDEN {
            assert!(
                !contains(bytes, needle),
                "{format:?} {name} contains {:?}",
                String::from_utf8_lossy(needle)
            );
        }
        let mut decoder = image::ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .unwrap()
            .into_decoder()
            .unwrap();
        use image::ImageDecoder;
        assert_eq!(decoder.exif_metadata().unwrap(), None, "{format:?} {name}");
        assert_eq!(decoder.icc_profile().unwrap(), None, "{format:?} {name}");
        assert_eq!(decoder.xmp_metadata().unwrap(), None, "{format:?} {name}");
    }
}

fn is_red(p: &Rgb<u8>) -> bool {
    p[0] > 150 && p[2] < 100
}

fn is_blue(p: &Rgb<u8>) -> bool {
    p[2] > 150 && p[0] < 100
}

/// A 40×20 image with orientation 6 (rotate 90° clockwise) is 20×40 with its red corner at the
/// top right, in every output.
fn assert_rotated(p: &ProcessedImage, format: ImageFormat) {
    assert_eq!((p.width, p.height), (20, 40), "{format:?}");
    for (name, bytes) in outputs(p) {
        let image = decode(bytes, format).to_rgb8();
        assert_eq!(image.dimensions(), (20, 40), "{format:?} {name}");
        assert!(
            is_red(image.get_pixel(17, 2)),
            "{format:?} {name}: top right"
        );
        assert!(
            is_blue(image.get_pixel(2, 2)),
            "{format:?} {name}: top left"
        );
        assert!(
            is_blue(image.get_pixel(17, 37)),
            "{format:?} {name}: bottom right"
        );
    }
}

#[test]
fn a_jpeg_with_gps_exif_and_orientation_6_is_turned_upright_and_stripped() {
    let source = DynamicImage::ImageRgb8(corner_marked(40, 20));
    let upload = with_jpeg_metadata(&jpeg(&source), 6);
    assert!(contains(&upload, b"GPS") || contains(&upload, SECRET));
    let p = process(&upload, ImageFormat::Jpeg);
    assert_rotated(&p, ImageFormat::Jpeg);
    assert_clean(&p, ImageFormat::Jpeg);
}

#[test]
fn a_png_and_a_webp_with_exif_orientation_are_turned_upright_and_stripped() {
    let source = DynamicImage::ImageRgb8(corner_marked(40, 20));
    let p = process(&with_png_metadata(&png(&source), 6), ImageFormat::Png);
    assert_rotated(&p, ImageFormat::Png);
    assert_clean(&p, ImageFormat::Png);
    let p = process(
        &with_webp_metadata(&webp(&source), 40, 20, 6),
        ImageFormat::Webp,
    );
    assert_rotated(&p, ImageFormat::Webp);
    assert_clean(&p, ImageFormat::Webp);
}

#[test]
fn upright_originals_are_cleaned_losslessly_in_every_format() {
    let source = DynamicImage::ImageRgb8(photo(1200, 900));
    let cases = [
        (with_jpeg_metadata(&jpeg(&source), 1), ImageFormat::Jpeg),
        (with_png_metadata(&png(&source), 1), ImageFormat::Png),
        (
            with_webp_metadata(&webp(&source), 1200, 900, 1),
            ImageFormat::Webp,
        ),
    ];
    for (upload, format) in cases {
        let p = process(&upload, format);
        assert_clean(&p, format);
        assert!(
            p.original.len() < upload.len(),
            "{format:?}: nothing dropped"
        );
        // Same pixels as the upload: the bitstream was kept, not re-encoded.
        let uploaded = decode_any(&upload, format);
        let served = decode(&p.original, format);
        assert_eq!(served.dimensions(), (1200, 900));
        assert!(
            uploaded.as_bytes() == served.as_bytes(),
            "{format:?}: pixels changed"
        );
        assert_eq!(decode(&p.medium, format).dimensions(), (800, 600));
    }
}

fn decode_any(bytes: &[u8], format: ImageFormat) -> DynamicImage {
    let format = match format {
        ImageFormat::Jpeg => image::ImageFormat::Jpeg,
        ImageFormat::Png => image::ImageFormat::Png,
        ImageFormat::Webp => image::ImageFormat::WebP,
    };
    image::load_from_memory_with_format(bytes, format).unwrap()
}

#[test]
fn every_orientation_gives_the_upright_size() {
    let source = DynamicImage::ImageRgb8(corner_marked(40, 20));
    let bytes = jpeg(&source);
    for orientation in 1..=8u16 {
        let p = process(&with_jpeg_metadata(&bytes, orientation), ImageFormat::Jpeg);
        let expected = if orientation >= 5 { (20, 40) } else { (40, 20) };
        assert_eq!((p.width, p.height), expected, "orientation {orientation}");
        assert_eq!(decode(&p.thumb, ImageFormat::Jpeg).dimensions(), expected);
        assert_clean(&p, ImageFormat::Jpeg);
    }
}

/// Mean absolute difference of two same-sized images, per channel.
fn mean_difference(a: &DynamicImage, b: &DynamicImage) -> f64 {
    let (a, b) = (a.to_rgb8(), b.to_rgb8());
    assert_eq!(a.dimensions(), b.dimensions());
    let sum: u64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    sum as f64 / a.as_raw().len() as f64
}

#[test]
fn every_orientation_turns_the_pixels_like_the_exif_specification_says() {
    // An asymmetric photo-like image: each of the 8 orientations looks different.
    let source = DynamicImage::ImageRgb8(photo(64, 40));
    let bytes = jpeg(&source);
    let decoded = image::load_from_memory(&bytes).unwrap();
    for orientation in 1..=8u8 {
        let mut expected = decoded.clone();
        expected.apply_orientation(image::metadata::Orientation::from_exif(orientation).unwrap());
        let p = process(
            &with_jpeg_metadata(&bytes, u16::from(orientation)),
            ImageFormat::Jpeg,
        );
        for (name, out) in [("original", &p.original), ("medium", &p.medium)] {
            let got = decode(out, ImageFormat::Jpeg);
            let diff = mean_difference(&got, &expected);
            assert!(
                diff < 6.0,
                "orientation {orientation} {name}: mean difference {diff}"
            );
        }
    }
}
