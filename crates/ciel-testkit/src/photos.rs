//! Real test photos built in code with the `image` encoders (no binary fixtures in git): photo-
//! like pixels in JPEG, PNG and WebP, a JPEG carrying EXIF (GPS, orientation) and XMP, an image
//! wider than the side limit, and a PNG decompression bomb (a small file declaring 100 M+ pixels).

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{DynamicImage, Rgb, RgbImage};
use std::io::Write;

/// Text planted in every metadata block of [`with_gps_exif`]: no served byte may contain it.
pub const GPS_SECRET: &[u8] = b"SECRET-GPS-48.8584N-2.2945E";

/// The formats an upload may have, with their content types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhotoFormat {
    /// `image/jpeg`.
    Jpeg,
    /// `image/png`.
    Png,
    /// `image/webp`.
    Webp,
}

impl PhotoFormat {
    /// The content type of the upload.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
        }
    }

    /// The `image` crate's name for it.
    pub fn image_format(self) -> image::ImageFormat {
        match self {
            Self::Jpeg => image::ImageFormat::Jpeg,
            Self::Png => image::ImageFormat::Png,
            Self::Webp => image::ImageFormat::WebP,
        }
    }
}

/// Smooth gradients plus deterministic noise (compresses like a photo, not like a flat fill).
pub fn photo(width: u32, height: u32) -> RgbImage {
    let mut seed = 0x2545_f491_u32;
    RgbImage::from_fn(width, height, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let noise = (seed % 24) as u8;
        let r = (u64::from(x) * 200 / u64::from(width.max(1))) as u8;
        let g = (u64::from(y) * 200 / u64::from(height.max(1))) as u8;
        Rgb([r + noise, g + noise, 110 + noise])
    })
}

/// A `width`×`height` blue image whose top-left square (half the height) is red: shows where
/// the top-left corner went after a rotation.
pub fn corner_marked(width: u32, height: u32) -> RgbImage {
    let side = height / 2;
    RgbImage::from_fn(width, height, |x, y| {
        if x < side && y < side {
            Rgb([230, 20, 20])
        } else {
            Rgb([20, 20, 230])
        }
    })
}

/// `image` encoded as `format` (JPEG quality 90, PNG default, WebP lossless: the only WebP
/// encoder the `image` crate has).
pub fn encode(image: &DynamicImage, format: PhotoFormat) -> Vec<u8> {
    let mut out = Vec::new();
    let written = match format {
        PhotoFormat::Jpeg => image.write_with_encoder(JpegEncoder::new_with_quality(&mut out, 90)),
        PhotoFormat::Png => image.write_with_encoder(PngEncoder::new(&mut out)),
        PhotoFormat::Webp => image.write_with_encoder(WebPEncoder::new_lossless(&mut out)),
    };
    written.unwrap_or_else(|e| panic!("encoding a test {format:?}: {e}"));
    out
}

/// A photo of `width`×`height` encoded as `format`.
pub fn photo_file(width: u32, height: u32, format: PhotoFormat) -> Vec<u8> {
    encode(&DynamicImage::ImageRgb8(photo(width, height)), format)
}

/// `jpeg` with, right after SOI, an APP1 Exif segment (IFD0: Orientation = `orientation`, a
/// GPS IFD pointer; GPS IFD: latitude and longitude with their references, and a processing
/// method holding [`GPS_SECRET`]) and an APP1 XMP packet with the GPS position, as phones write
/// them.
pub fn with_gps_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "not a JPEG");
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend_from_slice(&exif_tiff(orientation));
    let mut xmp = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    xmp.extend_from_slice(b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><exif:GPSLatitude>");
    xmp.extend_from_slice(GPS_SECRET);
    xmp.extend_from_slice(b"</exif:GPSLatitude></x:xmpmeta>");
    let mut out = jpeg[..2].to_vec();
    out.extend(app_segment(0xE1, &exif));
    out.extend(app_segment(0xE1, &xmp));
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn app_segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    let len = u16::try_from(payload.len() + 2).expect("segment under 64 KiB");
    s.extend_from_slice(&len.to_be_bytes());
    s.extend_from_slice(payload);
    s
}

/// A big-endian TIFF block (as most cameras write): IFD0 with Orientation and the GPS IFD
/// pointer; the GPS IFD with latitude/longitude references and values and a processing method.
fn exif_tiff(orientation: u16) -> Vec<u8> {
    fn entry(t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]) {
        t.extend_from_slice(&tag.to_be_bytes());
        t.extend_from_slice(&kind.to_be_bytes());
        t.extend_from_slice(&count.to_be_bytes());
        t.extend_from_slice(&value);
    }
    const SHORT: u16 = 3;
    const LONG: u16 = 4;
    const ASCII: u16 = 2;
    const RATIONAL: u16 = 5;
    const UNDEFINED: u16 = 7;
    // Layout: header 8, IFD0 (2 entries) 8..38, GPS IFD (5 entries) 38..104, then the data:
    // latitude 104..128, longitude 128..152, processing method 152…
    let mut t = b"MM\0*".to_vec();
    t.extend_from_slice(&8u32.to_be_bytes());
    t.extend_from_slice(&2u16.to_be_bytes());
    let mut short = [0u8; 4];
    short[..2].copy_from_slice(&orientation.to_be_bytes());
    entry(&mut t, 0x0112, SHORT, 1, short);
    entry(&mut t, 0x8825, LONG, 1, 38u32.to_be_bytes());
    t.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(t.len(), 38);
    t.extend_from_slice(&5u16.to_be_bytes());
    entry(&mut t, 0x0001, ASCII, 2, *b"N\0\0\0");
    entry(&mut t, 0x0002, RATIONAL, 3, 104u32.to_be_bytes());
    entry(&mut t, 0x0003, ASCII, 2, *b"E\0\0\0");
    entry(&mut t, 0x0004, RATIONAL, 3, 128u32.to_be_bytes());
    let method_len = u32::try_from(GPS_SECRET.len()).expect("short");
    entry(&mut t, 0x001B, UNDEFINED, method_len, 152u32.to_be_bytes());
    t.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(t.len(), 104);
    for (num, den) in [
        (48u32, 1u32),
        (51, 1),
        (3024, 100),
        (2, 1),
        (17, 1),
        (4020, 100),
    ] {
        t.extend_from_slice(&num.to_be_bytes());
        t.extend_from_slice(&den.to_be_bytes());
    }
    assert_eq!(t.len(), 152);
    t.extend_from_slice(GPS_SECRET);
    t
}

/// A valid 8-bit grey PNG of `side`×`side` black pixels: every row a zero filter byte and zeros,
/// deflated at the best ratio, so `side` = 10 050 (101 M pixels, 101 MB decoded) is a file of
/// about 100 KB. Streamed row by row: the test never holds the decoded image.
pub fn png_bomb(side: u32) -> Vec<u8> {
    let row = vec![0u8; 1 + side as usize];
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    for _ in 0..side {
        zlib.write_all(&row).expect("deflate in memory");
    }
    let idat = zlib.finish().expect("deflate in memory");
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&side.to_be_bytes());
    ihdr.extend_from_slice(&side.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    for (kind, data) in [(b"IHDR", ihdr), (b"IDAT", idat), (b"IEND", Vec::new())] {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut chunk = kind.to_vec();
        chunk.extend_from_slice(&data);
        let mut crc = flate2::Crc::new();
        crc.update(&chunk);
        out.extend_from_slice(&chunk);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    out
}

/// Whether `needle` occurs anywhere in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gps_jpeg_carries_its_metadata_and_still_decodes() {
        let jpeg = photo_file(64, 48, PhotoFormat::Jpeg);
        let tagged = with_gps_exif(&jpeg, 6);
        assert!(contains(&tagged, GPS_SECRET));
        let mut decoder = image::ImageReader::new(std::io::Cursor::new(&tagged))
            .with_guessed_format()
            .unwrap()
            .into_decoder()
            .unwrap();
        use image::ImageDecoder;
        assert_eq!(
            decoder.orientation().unwrap(),
            image::metadata::Orientation::Rotate90
        );
        assert!(decoder.exif_metadata().unwrap().is_some());
    }

    #[test]
    fn the_bomb_is_small_and_declares_its_size() {
        let bomb = png_bomb(2_000);
        assert!(bomb.len() < 10_000, "{} bytes", bomb.len());
        let decoded = image::load_from_memory(&bomb).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (2_000, 2_000));
    }
}
