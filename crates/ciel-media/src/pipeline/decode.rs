//! Decoding with limits: dimensions are checked from the header — as the decoder that will
//! run parses it — before any pixel buffer is allocated; `image`'s decoders also get an
//! allocation budget. JPEG derivatives come from a reduced-DCT-scale decode (libjpeg-turbo via
//! `mozjpeg`, M/8 scale), WebP from libwebp scaling while it decodes; full decodes of JPEG and
//! PNG (and animated WebP's first frame) go through `image` (zune-jpeg, png, image-webp).

use super::libwebp;
use super::resize::fit;
use ciel_domain::ports::images::MEDIUM_MAX_SIDE;
use ciel_domain::ports::{ImageError, ImageFormat, ImageLimits};
use image::{DynamicImage, ImageDecoder, ImageReader};
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Refuses zero-sized images (`Corrupt`) and images over the limits (`TooLarge`).
pub(crate) fn check_limits(width: u32, height: u32, limits: ImageLimits) -> Result<(), ImageError> {
    if width == 0 || height == 0 {
        return Err(ImageError::Corrupt(format!(
            "the image has no pixels ({width}x{height})"
        )));
    }
    let pixels = u64::from(width) * u64::from(height);
    if width > limits.max_side || height > limits.max_side || pixels > limits.max_pixels {
        return Err(ImageError::TooLarge { width, height });
    }
    Ok(())
}

fn image_format(format: ImageFormat) -> image::ImageFormat {
    match format {
        ImageFormat::Jpeg => image::ImageFormat::Jpeg,
        ImageFormat::Png => image::ImageFormat::Png,
        ImageFormat::Webp => image::ImageFormat::WebP,
    }
}

fn map_error(err: image::ImageError, width: u32, height: u32) -> ImageError {
    match err {
        image::ImageError::Limits(_) => ImageError::TooLarge { width, height },
        other => ImageError::Corrupt(other.to_string()),
    }
}

/// Decodes the whole image at full size, 8 bits per channel (16-bit and float images are
/// converted), refusing it from its header when it is over the limits.
pub(crate) fn decode_full(
    bytes: &[u8],
    format: ImageFormat,
    limits: ImageLimits,
) -> Result<DynamicImage, ImageError> {
    let reader = ImageReader::with_format(Cursor::new(bytes), image_format(format));
    let mut decoder = reader.into_decoder().map_err(|e| map_error(e, 0, 0))?;
    let (width, height) = decoder.dimensions();
    check_limits(width, height, limits)?;
    let mut budget = image::Limits::default();
    budget.max_image_width = Some(limits.max_side);
    budget.max_image_height = Some(limits.max_side);
    // The output buffer plus working room for the decoder's own buffers.
    budget.max_alloc = Some(decoder.total_bytes().saturating_add(64 << 20));
    decoder
        .set_limits(budget)
        .map_err(|e| map_error(e, width, height))?;
    let image = DynamicImage::from_decoder(decoder).map_err(|e| map_error(e, width, height))?;
    Ok(to_8_bit(image))
}

/// The same pixels with 8 bits per channel, keeping grey, alpha and colour as they are.
pub(crate) fn to_8_bit(image: DynamicImage) -> DynamicImage {
    match image {
        DynamicImage::ImageLuma8(_)
        | DynamicImage::ImageLumaA8(_)
        | DynamicImage::ImageRgb8(_)
        | DynamicImage::ImageRgba8(_) => image,
        DynamicImage::ImageLuma16(_) => DynamicImage::ImageLuma8(image.to_luma8()),
        DynamicImage::ImageLumaA16(_) => DynamicImage::ImageLumaA8(image.to_luma_alpha8()),
        other if other.color().has_alpha() => DynamicImage::ImageRgba8(other.to_rgba8()),
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    }
}

/// Decodes a JPEG with libjpeg-turbo at the smallest DCT scale (M/8, M = 1…8) whose output
/// still covers `at_least` (width, height). `None` when the file is left to the full decoder:
/// CMYK/YCCK, or anything libjpeg refuses (12-bit, arithmetic coding, broken headers — the full
/// decoder then decides and names the problem). The header's own dimensions are checked
/// against `limits` before libjpeg allocates anything for pixels.
pub(crate) fn decode_jpeg_scaled(
    bytes: &[u8],
    at_least: (u32, u32),
    limits: ImageLimits,
) -> Result<Option<DynamicImage>, ImageError> {
    // libjpeg reports fatal errors by unwinding out of its error handler (`mozjpeg`'s design).
    catch_unwind(AssertUnwindSafe(|| jpeg_scaled(bytes, at_least, limits))).unwrap_or(Ok(None))
}

fn jpeg_scaled(
    bytes: &[u8],
    at_least: (u32, u32),
    limits: ImageLimits,
) -> Result<Option<DynamicImage>, ImageError> {
    let Ok(mut decompress) = mozjpeg::Decompress::new_mem(bytes) else {
        return Ok(None);
    };
    let side = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
    let (width, height) = (side(decompress.width()), side(decompress.height()));
    check_limits(width, height, limits)?;
    // libjpeg's output side is ceil(side × M / 8).
    let covers =
        |m: u32| (width * m).div_ceil(8) >= at_least.0 && (height * m).div_ceil(8) >= at_least.1;
    let numerator = (1..8u8).find(|&m| covers(u32::from(m))).unwrap_or(8);
    decompress.scale(numerator);
    let (mut started, channels) = match decompress.image() {
        Ok(mozjpeg::decompress::Format::RGB(started)) => (started, 3),
        Ok(mozjpeg::decompress::Format::Gray(started)) => (started, 1),
        Ok(mozjpeg::decompress::Format::CMYK(_)) | Err(_) => return Ok(None),
    };
    let (out_w, out_h) = (side(started.width()), side(started.height()));
    let Ok(pixels) = started.read_scanlines::<u8>() else {
        return Ok(None);
    };
    if pixels.len() != out_w as usize * out_h as usize * channels {
        return Ok(None);
    }
    let image = if channels == 1 {
        image::GrayImage::from_raw(out_w, out_h, pixels).map(DynamicImage::ImageLuma8)
    } else {
        image::RgbImage::from_raw(out_w, out_h, pixels).map(DynamicImage::ImageRgb8)
    };
    Ok(image)
}

/// Pixels and the full size of the image they were decoded from.
pub(crate) type Decoded = (DynamicImage, (u32, u32));

/// Decodes a still WebP with libwebp — scaled by libwebp while decoding to the medium's size
/// when `to_medium` — and returns it with the full size, or `None` for an animated one (left to
/// the full decoder, which takes its first frame). The header is read by libwebp itself and its
/// dimensions checked against `limits` before any pixel buffer exists.
pub(crate) fn decode_webp(
    bytes: &[u8],
    to_medium: bool,
    limits: ImageLimits,
) -> Result<Option<Decoded>, ImageError> {
    let features = libwebp::features(bytes)?;
    let full = (features.width, features.height);
    check_limits(full.0, full.1, limits)?;
    if features.animated {
        return Ok(None);
    }
    let (width, height) = if to_medium {
        fit(full.0, full.1, MEDIUM_MAX_SIDE)
    } else {
        full
    };
    Ok(Some((
        libwebp::decode(bytes, features, width, height)?,
        full,
    )))
}
