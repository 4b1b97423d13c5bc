//! Real photos through the whole flow (presigned PUT → complete → `completed`) over real
//! Postgres, RabbitMQ and S3 (s3s-fs): JPEG, PNG and WebP get their dimensions, and their thumb
//! (200 px) and medium (800 px) derivatives, fetched from their URLs and decoded, have the right
//! sizes, format and pixels.

use super::{complete, media_app, metric, poll_until, upload};
use ciel_testkit::photos::{PhotoFormat, encode, photo, photo_file};
use ciel_testkit::{TestApp, TestUser};
use image::{DynamicImage, GenericImageView, RgbaImage};
use reqwest::Method;
use serde_json::Value;

/// Uploads `body` as `format`, completes it, waits for `completed`; the media JSON.
pub async fn process(app: &TestApp, user: &TestUser, body: Vec<u8>, format: PhotoFormat) -> Value {
    let id = upload(app, user, body, format.content_type()).await;
    assert_eq!(complete(app, user, &id).await.status(), 202);
    let done = poll_until(app, user, &id, "completed").await;
    let media_id = done["processed_media_id"].as_str().unwrap();
    let res = app
        .as_user(user, Method::GET, &format!("/v1/media/{media_id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// GETs `media[field]` (a presigned URL); the bytes, after checking that the store serves them
/// with the source format's content type.
pub async fn fetch(app: &TestApp, media: &Value, field: &str, format: PhotoFormat) -> Vec<u8> {
    let res = app
        .client
        .get(media[field].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{field}");
    let content_type = res.headers().get("content-type").cloned();
    assert_eq!(
        content_type.as_ref().and_then(|v| v.to_str().ok()),
        Some(format.content_type()),
        "{field}"
    );
    res.bytes().await.unwrap().to_vec()
}

/// Decodes `bytes`, insisting that they are in `format`.
pub fn decode(bytes: &[u8], format: PhotoFormat, what: &str) -> DynamicImage {
    assert_eq!(
        image::guess_format(bytes).ok(),
        Some(format.image_format()),
        "{what} is not {format:?}"
    );
    image::load_from_memory_with_format(bytes, format.image_format())
        .unwrap_or_else(|e| panic!("{what} does not decode: {e}"))
}

/// Checks the media's reported size and the decoded sizes of the original, medium and thumb;
/// returns the decoded (medium, thumb).
async fn check_sizes(
    app: &TestApp,
    media: &Value,
    format: PhotoFormat,
    original: (u32, u32),
    medium: (u32, u32),
    thumb: (u32, u32),
) -> (DynamicImage, DynamicImage) {
    assert_eq!(
        (media["width"].as_u64(), media["height"].as_u64()),
        (Some(u64::from(original.0)), Some(u64::from(original.1))),
        "reported dimensions"
    );
    let mut decoded = Vec::new();
    for (field, want) in [
        ("original_url", original),
        ("medium_url", medium),
        ("thumb_url", thumb),
    ] {
        let image = decode(&fetch(app, media, field, format).await, format, field);
        assert_eq!(image.dimensions(), want, "{field} of a {format:?}");
        decoded.push(image);
    }
    let thumb = decoded.pop().unwrap();
    let medium = decoded.pop().unwrap();
    (medium, thumb)
}

/// The test photo's red channel grows left to right and its green top to bottom: a derivative
/// made from it (not blank, not transposed) keeps that.
fn assert_gradient(image: &DynamicImage, what: &str) {
    let (w, h) = image.dimensions();
    let left = image.get_pixel(2, h / 2);
    let right = image.get_pixel(w - 3, h / 2);
    let top = image.get_pixel(w / 2, 2);
    let bottom = image.get_pixel(w / 2, h - 3);
    assert!(
        i32::from(right[0]) - i32::from(left[0]) > 120,
        "{what}: red does not grow left to right ({left:?} → {right:?})"
    );
    assert!(
        i32::from(bottom[1]) - i32::from(top[1]) > 120,
        "{what}: green does not grow top to bottom ({top:?} → {bottom:?})"
    );
}

#[tokio::test]
async fn a_real_jpeg_completes_with_its_size_and_both_derivatives() {
    // Photos are made before the app: a slow encode must not leave the client's pooled
    // connection idle past the server's keep-alive.
    let body = photo_file(1600, 1200, PhotoFormat::Jpeg);
    let app = media_app().await;
    let ann = app.user("ann").await;
    let media = process(&app, &ann, body, PhotoFormat::Jpeg).await;
    assert!(media["medium_key"].as_str().unwrap().ends_with(".jpg"));
    let (medium, thumb) = check_sizes(
        &app,
        &media,
        PhotoFormat::Jpeg,
        (1600, 1200),
        (800, 600),
        (200, 150),
    )
    .await;
    assert_gradient(&medium, "medium");
    assert_gradient(&thumb, "thumb");
    assert_eq!(
        metric(&app, "media_jobs_total{outcome=\"completed\"}").await,
        1.0
    );
}

#[tokio::test]
async fn a_real_png_with_alpha_completes_portrait_and_keeps_its_alpha() {
    // A portrait photo whose right half is half-transparent.
    let rgb = photo(900, 1350);
    let rgba = RgbaImage::from_fn(900, 1350, |x, y| {
        let p = rgb.get_pixel(x, y);
        image::Rgba([p[0], p[1], p[2], if x < 450 { 255 } else { 128 }])
    });
    let body = encode(&DynamicImage::ImageRgba8(rgba), PhotoFormat::Png);
    let app = media_app().await;
    let ann = app.user("ann").await;
    let media = process(&app, &ann, body, PhotoFormat::Png).await;
    assert!(media["thumb_key"].as_str().unwrap().ends_with(".png"));
    let (medium, thumb) = check_sizes(
        &app,
        &media,
        PhotoFormat::Png,
        (900, 1350),
        (533, 800),
        (133, 200),
    )
    .await;
    for (what, image) in [("medium", &medium), ("thumb", &thumb)] {
        assert_gradient(image, what);
        assert!(image.color().has_alpha(), "{what} lost its alpha channel");
        let (w, h) = image.dimensions();
        assert_eq!(image.get_pixel(2, h / 2)[3], 255, "{what}: opaque half");
        let translucent = image.get_pixel(w - 3, h / 2)[3];
        assert!(
            (120..=136).contains(&translucent),
            "{what}: translucent half has alpha {translucent}"
        );
    }
}

#[tokio::test]
async fn a_real_webp_completes_with_its_size_and_both_derivatives() {
    let body = photo_file(1000, 640, PhotoFormat::Webp);
    let app = media_app().await;
    let ann = app.user("ann").await;
    let media = process(&app, &ann, body, PhotoFormat::Webp).await;
    assert!(media["original_key"].as_str().unwrap().ends_with(".webp"));
    let (medium, thumb) = check_sizes(
        &app,
        &media,
        PhotoFormat::Webp,
        (1000, 640),
        (800, 512),
        (200, 128),
    )
    .await;
    assert_gradient(&medium, "medium");
    assert_gradient(&thumb, "thumb");
}
