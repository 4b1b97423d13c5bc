//! Lossless metadata stripping: rebuild a JPEG, PNG or WebP file from a whitelist of the
//! segments or chunks a decoder needs (coding parameters and pixel data), so the original can
//! be served byte-for-byte clean without decoding and re-encoding it.
//!
//! Everything not on a whitelist is dropped — EXIF (with GPS), XMP, IPTC, comments, ICC
//! profiles, text chunks, embedded thumbnails and anything appended after the end of the image
//! (e.g. multi-picture secondary images). The walkers also validate the container: a missing
//! end marker, a segment running past the end of the data or a missing frame is `Corrupt`.

mod jpeg;
mod png;
mod webp;

use ciel_domain::ports::{ImageError, ImageFormat};

/// The result of walking a container.
#[derive(Debug)]
pub(crate) struct Stripped<'a> {
    /// The clean file, or `None` when the file cannot be cleaned losslessly (an animated WebP)
    /// and must be re-encoded from pixels.
    pub clean: Option<Vec<u8>>,
    /// The raw EXIF payload (starting at the TIFF header), only read for the orientation.
    pub exif: Option<&'a [u8]>,
    /// Width and height from the frame header, when the walker reads them (JPEG, PNG).
    pub dimensions: Option<(u32, u32)>,
}

/// Walks `bytes` as `format` and returns the clean file and what the pipeline needs from the
/// metadata it drops.
pub(crate) fn strip(bytes: &[u8], format: ImageFormat) -> Result<Stripped<'_>, ImageError> {
    match format {
        ImageFormat::Jpeg => jpeg::strip(bytes),
        ImageFormat::Png => png::strip(bytes),
        ImageFormat::Webp => webp::strip(bytes),
    }
}

fn corrupt(what: &str) -> ImageError {
    ImageError::Corrupt(what.to_owned())
}

/// An EXIF payload without the `Exif\0\0` prefix some writers put before the TIFF header.
fn tiff_payload(payload: &[u8]) -> &[u8] {
    payload.strip_prefix(b"Exif\0\0").unwrap_or(payload)
}
