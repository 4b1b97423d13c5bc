//! Test photos built in memory: photo-like pixels, encoders, and hand-assembled metadata
//! (EXIF with GPS and an Orientation tag, XMP, IPTC, ICC, comments) spliced into the files.

use ciel_domain::ports::{ImageFormat, ImageLimits, ImageProcessor, ProcessedImage};
use ciel_media::ImagePipeline;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{DynamicImage, ImageReader, Rgb, RgbImage, Rgba, RgbaImage};
use std::io::Cursor;

/// Text planted in every metadata block; no output may contain it.
pub const SECRET: &[u8] = b"SECRET-LOCATION-48.8584N";

/// Smooth gradients plus deterministic noise.
pub fn photo(width: u32, height: u32) -> RgbImage {
    let mut seed = 0x2545_f491_u32;
    RgbImage::from_fn(width, height, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let noise = (seed % 16) as u8;
        let r = (x * 200 / width.max(1)) as u8;
        let g = (y * 200 / height.max(1)) as u8;
        Rgb([r + noise, g + noise, 120 + noise])
    })
}

/// A `width`×`height` blue image whose top-left quarter-height square is red.
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

pub fn jpeg(image: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    image
        .write_with_encoder(JpegEncoder::new_with_quality(&mut out, 90))
        .unwrap();
    out
}

pub fn png(image: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    image.write_with_encoder(PngEncoder::new(&mut out)).unwrap();
    out
}

pub fn webp(image: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    image
        .write_with_encoder(WebPEncoder::new_lossless(&mut out))
        .unwrap();
    out
}

/// A half-transparent RGBA image.
pub fn translucent(width: u32, height: u32) -> RgbaImage {
    RgbaImage::from_fn(width, height, |x, y| {
        Rgba([
            (x % 256) as u8,
            (y % 256) as u8,
            90,
            if x < width / 2 { 0 } else { 255 },
        ])
    })
}

/// A little-endian TIFF block: IFD0 with Orientation = `orientation` and a GPS IFD pointer; the
/// GPS IFD has a latitude reference, a latitude (three rationals) and a processing-method
/// string holding [`SECRET`].
pub fn exif_tiff(orientation: u16) -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(b"II*\0");
    t.extend_from_slice(&8u32.to_le_bytes());
    // IFD0 at 8: 2 entries (2 + 2*12 + 4 = 30 bytes) → GPS IFD at 38.
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32| {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&kind.to_le_bytes());
        t.extend_from_slice(&count.to_le_bytes());
        t.extend_from_slice(&value.to_le_bytes());
    };
    t.extend_from_slice(&2u16.to_le_bytes());
    entry(&mut t, 0x0112, 3, 1, u32::from(orientation));
    entry(&mut t, 0x8825, 4, 1, 38);
    t.extend_from_slice(&0u32.to_le_bytes());
    // GPS IFD at 38: 3 entries (2 + 36 + 4 = 42) → data at 80.
    t.extend_from_slice(&3u16.to_le_bytes());
    entry(&mut t, 0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0"));
    entry(&mut t, 0x0002, 5, 3, 80);
    entry(&mut t, 0x001B, 7, SECRET.len() as u32, 104);
    t.extend_from_slice(&0u32.to_le_bytes());
    assert_eq!(t.len(), 80);
    for (num, den) in [(48u32, 1u32), (51, 1), (2964, 100)] {
        t.extend_from_slice(&num.to_le_bytes());
        t.extend_from_slice(&den.to_le_bytes());
    }
    t.extend_from_slice(SECRET);
    t
}

fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    s.extend_from_slice(payload);
    s
}

fn xmp_packet() -> Vec<u8> {
    let mut x = b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><exif:GPSLatitude>".to_vec();
    x.extend_from_slice(SECRET);
    x.extend_from_slice(b"</exif:GPSLatitude></x:xmpmeta>");
    x
}

/// `jpeg` with EXIF (GPS, orientation), XMP, ICC, IPTC and a comment spliced in after SOI, and
/// a second "image" with its own EXIF appended after EOI (as multi-picture files do).
pub fn with_jpeg_metadata(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend_from_slice(&exif_tiff(orientation));
    let mut xmp = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    xmp.extend_from_slice(&xmp_packet());
    let mut icc = b"ICC_PROFILE\0\x01\x01".to_vec();
    icc.extend_from_slice(SECRET);
    let mut iptc = b"Photoshop 3.0\08BIM".to_vec();
    iptc.extend_from_slice(SECRET);
    let mut out = jpeg[..2].to_vec();
    out.extend(segment(0xE1, &exif));
    out.extend(segment(0xE1, &xmp));
    out.extend(segment(0xE2, &icc));
    out.extend(segment(0xED, &iptc));
    out.extend(segment(0xFE, SECRET));
    out.extend_from_slice(&jpeg[2..]);
    out.extend_from_slice(&[0xFF, 0xD8]);
    out.extend(segment(0xE1, &exif));
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(data);
    c.extend_from_slice(&crc32(&c[4..]).to_be_bytes());
    c
}

/// `png` with eXIf (GPS, orientation), iTXt XMP, tEXt, iCCP-like and private chunks inserted
/// after IHDR.
pub fn with_png_metadata(png: &[u8], orientation: u16) -> Vec<u8> {
    let ihdr_end = 8 + 25;
    let mut itxt = b"XML:com.adobe.xmp\0\0\0\0\0".to_vec();
    itxt.extend_from_slice(&xmp_packet());
    let mut text = b"Comment\0".to_vec();
    text.extend_from_slice(SECRET);
    let mut out = png[..ihdr_end].to_vec();
    out.extend(png_chunk(b"eXIf", &exif_tiff(orientation)));
    out.extend(png_chunk(b"iTXt", &itxt));
    out.extend(png_chunk(b"tEXt", &text));
    out.extend(png_chunk(b"prIv", SECRET));
    out.extend_from_slice(&png[ihdr_end..]);
    out
}

fn riff_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = kind.to_vec();
    c.extend_from_slice(&(data.len() as u32).to_le_bytes());
    c.extend_from_slice(data);
    if data.len() % 2 == 1 {
        c.push(0);
    }
    c
}

/// A lossless `webp` rewrapped in an extended (VP8X) container with EXIF, XMP and ICCP chunks.
pub fn with_webp_metadata(webp: &[u8], width: u32, height: u32, orientation: u16) -> Vec<u8> {
    assert_eq!(
        &webp[12..16],
        b"VP8L",
        "the encoder writes a simple lossless file"
    );
    let vp8l = &webp[12..];
    let mut vp8x = vec![0x20 | 0x08 | 0x04, 0, 0, 0];
    vp8x.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
    vp8x.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
    let mut body = b"WEBP".to_vec();
    body.extend(riff_chunk(b"VP8X", &vp8x));
    body.extend(riff_chunk(b"ICCP", SECRET));
    body.extend_from_slice(vp8l);
    body.extend(riff_chunk(b"EXIF", &exif_tiff(orientation)));
    body.extend(riff_chunk(b"XMP ", &xmp_packet()));
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend(body);
    out
}

pub fn process(bytes: &[u8], format: ImageFormat) -> ProcessedImage {
    ImagePipeline::default()
        .process(bytes, format, ImageLimits::default())
        .unwrap_or_else(|e| panic!("processing a valid {format:?} failed: {e}"))
}

/// Decodes an output, insisting on its format.
pub fn decode(bytes: &[u8], format: ImageFormat) -> DynamicImage {
    let format = match format {
        ImageFormat::Jpeg => image::ImageFormat::Jpeg,
        ImageFormat::Png => image::ImageFormat::Png,
        ImageFormat::Webp => image::ImageFormat::WebP,
    };
    assert_eq!(image::guess_format(bytes).unwrap(), format);
    ImageReader::with_format(Cursor::new(bytes), format)
        .decode()
        .unwrap()
}

/// Every output of a processed image.
pub fn outputs(p: &ProcessedImage) -> [(&'static str, &[u8]); 3] {
    [
        ("original", &p.original),
        ("medium", &p.medium),
        ("thumb", &p.thumb),
    ]
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
