//! Metadata end to end: a phone-like JPEG with an APP1 Exif segment (GPS IFD, orientation) and
//! XMP leaves no EXIF, XMP or GPS byte in anything fetchable — derivatives and what
//! `original_url` serves — and nothing else stays in the bucket; EXIF orientation 6 turns the
//! reported dimensions, the original and both derivatives.

use super::photos::{decode, fetch, process};
use ciel_testkit::photos::{
    GPS_SECRET, PhotoFormat, contains, corner_marked, encode, photo_file, with_gps_exif,
};
use ciel_testkit::{TestApp, TestUser};
use image::{DynamicImage, GenericImageView, ImageDecoder};
use serde_json::Value;

const FORBIDDEN: [&[u8]; 5] = [
    GPS_SECRET,
    b"Exif\0\0",
    b"MM\0*\0\0\0\x08",
    b"http://ns.adobe.com/xap",
    b"xmpmeta",
];

/// Every served object of `media` is clean: none of the planted bytes, and a decoder finds no
/// EXIF or XMP. Returns the decoded (original, medium, thumb).
async fn assert_served_clean(app: &TestApp, media: &Value) -> [DynamicImage; 3] {
    let mut decoded = Vec::new();
    for field in ["original_url", "medium_url", "thumb_url"] {
        let bytes = fetch(app, media, field, PhotoFormat::Jpeg).await;
        for needle in FORBIDDEN {
            assert!(
                !contains(&bytes, needle),
                "{field} contains {:?}",
                String::from_utf8_lossy(needle)
            );
        }
        let mut decoder = image::ImageReader::new(std::io::Cursor::new(&bytes))
            .with_guessed_format()
            .unwrap()
            .into_decoder()
            .unwrap();
        assert_eq!(decoder.exif_metadata().unwrap(), None, "{field}: EXIF");
        assert_eq!(decoder.xmp_metadata().unwrap(), None, "{field}: XMP");
        decoded.push(decode(&bytes, PhotoFormat::Jpeg, field));
    }
    decoded.try_into().unwrap()
}

/// The bucket holds exactly the three processed objects of `media` (the raw upload, which
/// carried the GPS position, is gone).
async fn assert_only_processed_objects(app: &TestApp, user: &TestUser, media: &Value) {
    let mut want: Vec<String> = ["original_key", "medium_key", "thumb_key"]
        .iter()
        .map(|k| media[*k].as_str().unwrap().to_owned())
        .collect();
    want.sort();
    assert_eq!(app.bucket_keys("").await, want);
    assert!(
        want.iter()
            .all(|k| k.starts_with(&format!("media/{}/", user.id)))
    );
}

#[tokio::test]
async fn gps_exif_and_xmp_never_reach_a_served_byte() {
    let body = with_gps_exif(&photo_file(1200, 900, PhotoFormat::Jpeg), 1);
    assert!(contains(&body, GPS_SECRET));
    let app = super::media_app().await;
    let ann = app.user("ann").await;
    let media = process(&app, &ann, body, PhotoFormat::Jpeg).await;
    let [original, medium, thumb] = assert_served_clean(&app, &media).await;
    assert_eq!(original.dimensions(), (1200, 900));
    assert_eq!(medium.dimensions(), (800, 600));
    assert_eq!(thumb.dimensions(), (200, 150));
    assert_only_processed_objects(&app, &ann, &media).await;
}

fn is_red(p: image::Rgba<u8>) -> bool {
    p[0] > 150 && p[2] < 100
}

fn is_blue(p: image::Rgba<u8>) -> bool {
    p[2] > 150 && p[0] < 100
}

#[tokio::test]
async fn exif_orientation_6_turns_the_dimensions_the_original_and_the_derivatives() {
    // Stored 1200×900 with its top-left corner red; orientation 6 = turn 90° clockwise to
    // view, so the upright photo is 900×1200 with the red corner at its top right.
    let stored = DynamicImage::ImageRgb8(corner_marked(1200, 900));
    let body = with_gps_exif(&encode(&stored, PhotoFormat::Jpeg), 6);
    let app = super::media_app().await;
    let ann = app.user("ann").await;
    let media = process(&app, &ann, body, PhotoFormat::Jpeg).await;
    assert_eq!(
        (media["width"].as_u64(), media["height"].as_u64()),
        (Some(900), Some(1200))
    );
    let [original, medium, thumb] = assert_served_clean(&app, &media).await;
    for (what, image, want) in [
        ("original", &original, (900, 1200)),
        ("medium", &medium, (600, 800)),
        ("thumb", &thumb, (150, 200)),
    ] {
        assert_eq!(image.dimensions(), want, "{what}");
        let (w, h) = image.dimensions();
        let (near, far) = (w / 10, w - 1 - w / 10);
        assert!(is_red(image.get_pixel(far, h / 10)), "{what}: top right");
        assert!(is_blue(image.get_pixel(near, h / 10)), "{what}: top left");
        assert!(
            is_blue(image.get_pixel(far, h - 1 - h / 10)),
            "{what}: bottom right"
        );
    }
    assert_only_processed_objects(&app, &ann, &media).await;
}
