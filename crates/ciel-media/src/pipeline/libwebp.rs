//! The one FFI boundary of the pipeline: libwebp (vendored, `libwebp-sys`) for reading the
//! bitstream's features, decoding — scaled by libwebp's own rescaler when a smaller size is
//! asked for — into a buffer we own, and lossy encoding.
//!
//! Safety rules kept here: libwebp only ever writes into a `Vec` this module allocated with the
//! exact size and stride it is told, and only after the caller has checked the dimensions
//! libwebp itself reports against the limits (`features` first, then `decode`); memory libwebp
//! allocates is copied out and released with `WebPFree` before returning.

// FFI into a C codec cannot be written without `unsafe`; it is confined to this module.
#![allow(unsafe_code)]

use ciel_domain::ports::ImageError;
use image::DynamicImage;
use libwebp_sys as ffi;

/// What the bitstream's header declares, as libwebp parses it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Features {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) has_alpha: bool,
    pub(crate) animated: bool,
}

/// Reads the header (no pixel is decoded, nothing is allocated for pixels).
pub(crate) fn features(bytes: &[u8]) -> Result<Features, ImageError> {
    let mut raw = std::mem::MaybeUninit::<ffi::WebPBitstreamFeatures>::zeroed();
    // SAFETY: `bytes` is a valid slice of `bytes.len()` bytes; `raw` is a writable, zeroed
    // struct of the layout the bindings were generated for, and the ABI version is the
    // bindings' own.
    let status = unsafe {
        ffi::WebPGetFeaturesInternal(
            bytes.as_ptr(),
            bytes.len(),
            raw.as_mut_ptr(),
            ffi::WEBP_DECODER_ABI_VERSION as _,
        )
    };
    if status != ffi::VP8StatusCode::VP8_STATUS_OK {
        return Err(corrupt(status));
    }
    // SAFETY: libwebp filled the struct (status OK); it was zeroed before in any case.
    let raw = unsafe { raw.assume_init() };
    let side = |v: i32| u32::try_from(v).unwrap_or(0);
    Ok(Features {
        width: side(raw.width),
        height: side(raw.height),
        has_alpha: raw.has_alpha != 0,
        animated: raw.has_animation != 0,
    })
}

/// Decodes a still image to `width`×`height` RGB (RGBA when it has alpha). When that is smaller
/// than the image, libwebp scales while decoding, row by row, so no full-size pixel buffer
/// exists. `features` must come from [`features`] on the same bytes and its size must have
/// passed the limits; `width`/`height` must not exceed it.
pub(crate) fn decode(
    bytes: &[u8],
    features: Features,
    width: u32,
    height: u32,
) -> Result<DynamicImage, ImageError> {
    if features.animated {
        return Err(ImageError::Corrupt(
            "animated WebP goes through the frame decoder".into(),
        ));
    }
    if width == 0 || height == 0 || width > features.width || height > features.height {
        return Err(ImageError::Corrupt(format!(
            "cannot decode a {}x{} WebP at {width}x{height}",
            features.width, features.height
        )));
    }
    let channels: usize = if features.has_alpha { 4 } else { 3 };
    let stride = width as usize * channels;
    let size = stride * height as usize;
    let mut pixels = vec![0u8; size];
    let mut config = ffi::WebPDecoderConfig::new()
        .map_err(|()| ImageError::Corrupt("libwebp refused its own ABI version".into()))?;
    config.output.colorspace = if features.has_alpha {
        ffi::WEBP_CSP_MODE::MODE_RGBA
    } else {
        ffi::WEBP_CSP_MODE::MODE_RGB
    };
    config.output.is_external_memory = 1;
    config.output.u.RGBA = ffi::WebPRGBABuffer {
        rgba: pixels.as_mut_ptr(),
        stride: i32::try_from(stride).map_err(|_| too_wide(width))?,
        size,
    };
    // libwebp's loop filter runs on a second thread beside the bitstream decoding (as vips has
    // it): a lower latency per job; at full concurrency it costs no extra work.
    config.options.use_threads = 1;
    if (width, height) != (features.width, features.height) {
        config.options.use_scaling = 1;
        config.options.scaled_width = i32::try_from(width).map_err(|_| too_wide(width))?;
        config.options.scaled_height = i32::try_from(height).map_err(|_| too_wide(height))?;
    }
    // SAFETY: `bytes` is a valid slice; `config` was initialised by libwebp for this ABI, and its
    // output points at `pixels`, a live buffer of exactly `size` bytes laid out with `stride`,
    // which libwebp checks against the output size before writing (external memory is never
    // freed by libwebp). `pixels` outlives the call and is not touched during it.
    let status = unsafe { ffi::WebPDecode(bytes.as_ptr(), bytes.len(), &mut config) };
    if status != ffi::VP8StatusCode::VP8_STATUS_OK {
        return Err(corrupt(status));
    }
    let image = if features.has_alpha {
        image::RgbaImage::from_raw(width, height, pixels).map(DynamicImage::ImageRgba8)
    } else {
        image::RgbImage::from_raw(width, height, pixels).map(DynamicImage::ImageRgb8)
    };
    image.ok_or_else(|| ImageError::Corrupt("WebP decoded to fewer pixels than asked".into()))
}

/// Lossy WebP at `quality` (0–100) from the pixels alone (RGB, or RGBA when the image has
/// alpha; grey is widened to RGB).
pub(crate) fn encode(image: &DynamicImage, quality: f32) -> Result<Vec<u8>, ImageError> {
    let (width, height) = (image.width(), image.height());
    let side = |v: u32| i32::try_from(v).map_err(|_| too_wide(v));
    let (w, h) = (side(width)?, side(height)?);
    let rgba;
    let rgb;
    let (pixels, channels): (&[u8], usize) = match image {
        DynamicImage::ImageRgb8(p) => (p.as_raw(), 3),
        DynamicImage::ImageRgba8(p) => (p.as_raw(), 4),
        other if other.color().has_alpha() => {
            rgba = other.to_rgba8();
            (rgba.as_raw(), 4)
        }
        other => {
            rgb = other.to_rgb8();
            (rgb.as_raw(), 3)
        }
    };
    let stride = side(width * channels as u32)?;
    if pixels.len() != stride as usize * height as usize {
        return Err(ImageError::Encode("pixel buffer of the wrong size".into()));
    }
    let mut output: *mut u8 = std::ptr::null_mut();
    // SAFETY: `pixels` holds exactly `height` rows of `stride` bytes (checked above) and stays
    // borrowed for the call; `output` is a valid out-pointer that libwebp sets to a buffer it
    // allocates (or leaves null on failure).
    let len = unsafe {
        if channels == 4 {
            ffi::WebPEncodeRGBA(pixels.as_ptr(), w, h, stride, quality, &mut output)
        } else {
            ffi::WebPEncodeRGB(pixels.as_ptr(), w, h, stride, quality, &mut output)
        }
    };
    if output.is_null() {
        return Err(ImageError::Encode(
            "libwebp could not encode the image".into(),
        ));
    }
    // SAFETY: on success libwebp returned `len` initialised bytes at `output`; they are copied
    // before the buffer is released with libwebp's own deallocator, exactly once.
    let bytes = unsafe {
        let bytes = std::slice::from_raw_parts(output, len).to_vec();
        ffi::WebPFree(output.cast());
        bytes
    };
    if bytes.is_empty() {
        return Err(ImageError::Encode(
            "libwebp could not encode the image".into(),
        ));
    }
    Ok(bytes)
}

fn corrupt(status: ffi::VP8StatusCode) -> ImageError {
    ImageError::Corrupt(format!("the WebP image is malformed ({status:?})"))
}

fn too_wide(side: u32) -> ImageError {
    ImageError::Encode(format!("side of {side} px is out of range"))
}
