//! WebP: rebuild the RIFF container from the image bitstream only — a lone `VP8 ` or `VP8L`
//! chunk, or `VP8X` (alpha flag only) + `ALPH` + `VP8 ` for lossy images with alpha. EXIF,
//! XMP, ICCP and unknown chunks are dropped. Animated files are not cleaned losslessly (their
//! first frame is re-encoded instead).

use super::{Stripped, corrupt, tiff_payload};
use ciel_domain::ports::ImageError;

const VP8X_ALPHA: u8 = 0x10;
const VP8X_ANIMATION: u8 = 0x02;

pub(super) fn strip(bytes: &[u8]) -> Result<Stripped<'_>, ImageError> {
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WEBP" {
        return Err(corrupt("not a WebP file"));
    }
    let riff_size = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
    let Some(end) = riff_size.checked_add(8).filter(|&e| e <= bytes.len()) else {
        return Err(corrupt("truncated WebP file"));
    };
    let mut rest = &bytes[12..end];
    let (mut vp8x, mut alph, mut vp8, mut vp8l, mut exif) = (None, None, None, None, None);
    let mut animated = false;
    while !rest.is_empty() {
        if rest.len() < 8 {
            return Err(corrupt("truncated WebP chunk"));
        }
        let kind: &[u8] = &rest[0..4];
        let size = u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]) as usize;
        let padded = size + (size & 1);
        let Some(total) = padded.checked_add(8) else {
            return Err(corrupt("truncated WebP chunk"));
        };
        // The last chunk's padding byte is often missing; accept that, not more.
        if 8 + size > rest.len() {
            return Err(corrupt("truncated WebP chunk"));
        }
        let data = &rest[8..8 + size];
        rest = &rest[total.min(rest.len())..];
        match kind {
            b"VP8X" if data.len() >= 10 => vp8x = Some(data),
            b"ALPH" => alph = alph.or(Some(data)),
            b"VP8 " => vp8 = vp8.or(Some(data)),
            b"VP8L" => vp8l = vp8l.or(Some(data)),
            b"ANIM" | b"ANMF" => animated = true,
            b"EXIF" => exif = exif.or(Some(tiff_payload(data))),
            _ => {}
        }
    }
    if vp8x.is_some_and(|x| x[0] & VP8X_ANIMATION != 0) {
        animated = true;
    }
    let clean = if animated {
        None
    } else if let Some(vp8l) = vp8l {
        Some(riff(&[(b"VP8L", vp8l)]))
    } else if let Some(vp8) = vp8 {
        match (alph, vp8x) {
            (Some(alph), Some(x)) => {
                let mut header = [0u8; 10];
                header[0] = VP8X_ALPHA;
                header[4..10].copy_from_slice(&x[4..10]);
                Some(riff(&[(b"VP8X", &header), (b"ALPH", alph), (b"VP8 ", vp8)]))
            }
            _ => Some(riff(&[(b"VP8 ", vp8)])),
        }
    } else {
        return Err(corrupt("WebP without image data"));
    };
    Ok(Stripped {
        clean,
        exif,
        dimensions: None,
    })
}

fn riff(chunks: &[(&[u8; 4], &[u8])]) -> Vec<u8> {
    let body: usize = chunks
        .iter()
        .map(|(_, d)| 8 + d.len() + (d.len() & 1))
        .sum();
    let mut out = Vec::with_capacity(12 + body);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&((body + 4) as u32).to_le_bytes());
    out.extend_from_slice(b"WEBP");
    for (kind, data) in chunks {
        out.extend_from_slice(*kind);
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(data);
        if data.len() & 1 == 1 {
            out.push(0);
        }
    }
    out
}
