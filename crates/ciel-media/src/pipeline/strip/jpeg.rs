//! JPEG: keep SOI, frame and scan headers, tables, restart intervals, the entropy-coded data
//! and EOI; re-emit JFIF (APP0) and Adobe (APP14) headers normalised (no thumbnail, no text);
//! drop every other APPn (EXIF/XMP in APP1, ICC in APP2, IPTC in APP13 …), COM and anything
//! after EOI.

use super::{Stripped, corrupt, tiff_payload};
use ciel_domain::ports::ImageError;

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const APP0: u8 = 0xE0;
const APP1: u8 = 0xE1;
const APP14: u8 = 0xEE;

pub(super) fn strip(bytes: &[u8]) -> Result<Stripped<'_>, ImageError> {
    if bytes.len() < 4 || bytes[0] != 0xFF || bytes[1] != SOI {
        return Err(corrupt("not a JPEG file"));
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&[0xFF, SOI]);
    let mut exif = None;
    let mut dimensions = None;
    let mut scans = 0usize;
    let mut jfif_written = false;
    let mut pos = 2;
    loop {
        // Find the next marker, tolerating stray bytes and 0xFF fill bytes before it.
        while pos < bytes.len() && bytes[pos] != 0xFF {
            pos += 1;
        }
        while pos < bytes.len() && bytes[pos] == 0xFF {
            pos += 1;
        }
        let Some(&marker) = bytes.get(pos) else {
            return Err(corrupt("truncated JPEG: no end-of-image marker"));
        };
        pos += 1;
        match marker {
            EOI => {
                out.extend_from_slice(&[0xFF, EOI]);
                break;
            }
            // Stuffed zero, TEM and stray restart markers outside a scan carry nothing.
            0x00 | 0x01 | 0xD0..=0xD7 => continue,
            SOI => return Err(corrupt("JPEG with a second start-of-image marker")),
            _ => {}
        }
        let length = match bytes.get(pos..pos + 2) {
            Some(&[hi, lo]) => usize::from(u16::from_be_bytes([hi, lo])),
            _ => return Err(corrupt("truncated JPEG segment")),
        };
        if length < 2 || pos + length > bytes.len() {
            return Err(corrupt("truncated JPEG segment"));
        }
        let segment = &bytes[pos - 2..pos + length];
        let payload = &bytes[pos + 2..pos + length];
        pos += length;
        match marker {
            // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
            0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                if dimensions.is_some() {
                    return Err(corrupt("JPEG with more than one frame"));
                }
                if payload.len() < 6 {
                    return Err(corrupt("JPEG frame header too short"));
                }
                let height = u32::from(u16::from_be_bytes([payload[1], payload[2]]));
                let width = u32::from(u16::from_be_bytes([payload[3], payload[4]]));
                dimensions = Some((width, height));
                out.extend_from_slice(segment);
            }
            // DHT, DAC, DQT, DNL, DRI: coding tables and parameters.
            0xC4 | 0xCC | 0xDB | 0xDC | 0xDD => out.extend_from_slice(segment),
            SOS => {
                if dimensions.is_none() {
                    return Err(corrupt("JPEG scan before the frame header"));
                }
                out.extend_from_slice(segment);
                let end = entropy_end(bytes, pos)
                    .ok_or_else(|| corrupt("truncated JPEG: scan data has no end"))?;
                out.extend_from_slice(&bytes[pos..end]);
                pos = end;
                scans += 1;
            }
            APP0 if !jfif_written && payload.len() >= 12 && payload.starts_with(b"JFIF\0") => {
                // Version, units and density only; thumbnail size 0×0.
                out.extend_from_slice(&[0xFF, APP0, 0, 16]);
                out.extend_from_slice(&payload[..12]);
                out.extend_from_slice(&[0, 0]);
                jfif_written = true;
            }
            APP14 if payload.len() >= 12 && payload.starts_with(b"Adobe") => {
                // Only the colour transform matters to decoders (YCCK/CMYK and RGB files).
                out.extend_from_slice(&[0xFF, APP14, 0, 14]);
                out.extend_from_slice(b"Adobe\0\x64\0\0\0\0");
                out.push(payload[11]);
            }
            APP1 if exif.is_none() && payload.starts_with(b"Exif\0\0") => {
                exif = Some(tiff_payload(payload));
            }
            // Every other APPn, COM, JPGn and unknown segments: dropped.
            _ => {}
        }
    }
    let Some(dimensions) = dimensions else {
        return Err(corrupt("JPEG without a frame header"));
    };
    if scans == 0 {
        return Err(corrupt("JPEG without image data"));
    }
    Ok(Stripped {
        clean: Some(out),
        exif,
        dimensions: Some(dimensions),
    })
}

/// The offset of the marker that ends the entropy-coded data starting at `pos`: the first 0xFF
/// not followed by a stuffed 0x00, a restart marker or another 0xFF.
fn entropy_end(bytes: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        let offset = bytes.get(pos..)?.iter().position(|&b| b == 0xFF)?;
        pos += offset;
        let mut next = pos + 1;
        while bytes.get(next) == Some(&0xFF) {
            next += 1;
        }
        match *bytes.get(next)? {
            0x00 | 0xD0..=0xD7 => pos = next + 1,
            _ => return Some(pos),
        }
    }
}
