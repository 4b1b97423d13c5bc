//! A tiny deterministic `ImageProcessor` for tests of the media flow until the real
//! `ciel_media::ImagePipeline` is wired in: it accepts PNG files only (signature and `IHDR`
//! checked, dimensions read from the header, the 12 000 px side limit applied) and returns the
//! input as the clean original and both derivatives, with a fixed BlurHash. Anything else is
//! `ImageError::Corrupt`. Tests that use it assert the flow (states, keys, rows, retries), not
//! the pixels.

use ciel_domain::ports::{ImageError, ImageFormat, ImageLimits, ImageProcessor, ProcessedImage};

/// The BlurHash every processed test image gets.
pub const TEST_BLURHASH: &str = "LEHV6nWB2yk8pyo0adR*.7kCMdnj";

/// The test processor (see the module doc).
#[derive(Clone, Copy, Debug, Default)]
pub struct PngHeaderImages;

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];

impl ImageProcessor for PngHeaderImages {
    fn process(
        &self,
        bytes: &[u8],
        format: ImageFormat,
        limits: ImageLimits,
    ) -> Result<ProcessedImage, ImageError> {
        if format != ImageFormat::Png
            || bytes.len() < 24
            || bytes[..8] != PNG_SIGNATURE
            || &bytes[12..16] != b"IHDR"
        {
            return Err(ImageError::Corrupt("not a PNG file".into()));
        }
        let be = |at: usize| {
            u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        let (width, height) = (be(16), be(20));
        if width == 0 || height == 0 {
            return Err(ImageError::Corrupt("empty image".into()));
        }
        if width > limits.max_side
            || height > limits.max_side
            || u64::from(width) * u64::from(height) > limits.max_pixels
        {
            return Err(ImageError::TooLarge { width, height });
        }
        Ok(ProcessedImage {
            width,
            height,
            original: bytes.to_vec(),
            thumb: bytes.to_vec(),
            medium: bytes.to_vec(),
            blurhash: TEST_BLURHASH.to_owned(),
        })
    }
}

/// A valid PNG of `width` × `height` (8-bit grey, every pixel mid-grey), built without an image
/// crate: signature, `IHDR`, one stored (uncompressed) zlib `IDAT`, `IEND`.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let row = 1 + width as usize; // filter byte + one byte per pixel
    let mut raw = Vec::with_capacity(row * height as usize);
    for _ in 0..height {
        raw.push(0);
        raw.extend(std::iter::repeat_n(0x80u8, width as usize));
    }
    let mut zlib = vec![0x78, 0x01];
    for (i, block) in raw.chunks(65_535).enumerate() {
        let last = (i + 1) * 65_535 >= raw.len();
        zlib.push(u8::from(last));
        let len = block.len() as u16;
        zlib.extend_from_slice(&len.to_le_bytes());
        zlib.extend_from_slice(&(!len).to_le_bytes());
        zlib.extend_from_slice(block);
    }
    zlib.extend_from_slice(&adler32(&raw).to_be_bytes());
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    let mut out = PNG_SIGNATURE.to_vec();
    for (kind, data) in [(b"IHDR", ihdr), (b"IDAT", zlib), (b"IEND", Vec::new())] {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut chunk = kind.to_vec();
        chunk.extend_from_slice(&data);
        out.extend_from_slice(&chunk);
        out.extend_from_slice(&crc32(&chunk).to_be_bytes());
    }
    out
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_dimensions_of_the_pngs_it_makes_and_refuses_the_rest() {
        let p = PngHeaderImages
            .process(&png(300, 200), ImageFormat::Png, ImageLimits::default())
            .unwrap();
        assert_eq!((p.width, p.height), (300, 200));
        assert!(matches!(
            PngHeaderImages.process(b"garbage", ImageFormat::Png, ImageLimits::default()),
            Err(ImageError::Corrupt(_))
        ));
        assert!(matches!(
            PngHeaderImages.process(&png(20_000, 1), ImageFormat::Png, ImageLimits::default()),
            Err(ImageError::TooLarge { .. })
        ));
    }

    #[test]
    fn checksums_match_known_values() {
        assert_eq!(crc32(b"IEND"), 0xae42_6082);
        assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
    }
}
