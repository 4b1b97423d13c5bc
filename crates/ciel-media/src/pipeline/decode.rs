//! Decoding with limits: dimensions are checked from the header before any pixel buffer is
//! allocated; the decoder also gets an allocation budget. Full decodes go through `image`
//! (zune-jpeg, png, image-webp); JPEG derivatives can come from a reduced-DCT-scale decode
//! (`jpeg-decoder`, 1/2, 1/4 or 1/8 scale), which is several times cheaper than a full decode.

use ciel_domain::ports::{ImageError, ImageFormat, ImageLimits};
use image::{DynamicImage, ImageDecoder, ImageReader};
use std::io::Cursor;

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

/// Decodes a JPEG at the smallest DCT scale (1, 1/2, 1/4, 1/8) whose output still covers
/// `at_least` (width, height). `None` when the file needs the full decoder instead (CMYK,
/// 12-bit); errors are `Corrupt`. The caller has checked the dimensions against the limits.
pub(crate) fn decode_jpeg_scaled(
    bytes: &[u8],
    at_least: (u32, u32),
) -> Result<Option<DynamicImage>, ImageError> {
    let corrupt = |e: jpeg_decoder::Error| ImageError::Corrupt(e.to_string());
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.read_info().map_err(corrupt)?;
    let requested = (
        u16::try_from(at_least.0).unwrap_or(u16::MAX),
        u16::try_from(at_least.1).unwrap_or(u16::MAX),
    );
    let (width, height) = decoder.scale(requested.0, requested.1).map_err(corrupt)?;
    let (width, height) = (u32::from(width), u32::from(height));
    let Some(info) = decoder.info() else {
        return Err(ImageError::Corrupt("JPEG without a frame header".into()));
    };
    let bytes_per_pixel = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => 1,
        jpeg_decoder::PixelFormat::RGB24 => 3,
        jpeg_decoder::PixelFormat::L16 | jpeg_decoder::PixelFormat::CMYK32 => return Ok(None),
    };
    let output = u64::from(width) * u64::from(height) * bytes_per_pixel;
    decoder.set_max_decoding_buffer_size(usize::try_from(output).unwrap_or(usize::MAX));
    let pixels = decoder.decode().map_err(corrupt)?;
    let image = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => {
            image::GrayImage::from_raw(width, height, pixels).map(DynamicImage::ImageLuma8)
        }
        _ => image::RgbImage::from_raw(width, height, pixels).map(DynamicImage::ImageRgb8),
    };
    image
        .map(Some)
        .ok_or_else(|| ImageError::Corrupt("JPEG decoded to fewer pixels than declared".into()))
}
