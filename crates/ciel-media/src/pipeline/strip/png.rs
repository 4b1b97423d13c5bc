//! PNG: keep IHDR, PLTE, tRNS, IDAT, IEND and the numeric colour chunks (gAMA, cHRM, sRGB,
//! sBIT); drop text (tEXt, zTXt, iTXt — where XMP lives), eXIf, iCCP, tIME, animation chunks and
//! every private chunk. Chunk CRCs are copied; the decoder checks them.

use super::{Stripped, corrupt, tiff_payload};
use ciel_domain::ports::ImageError;

const SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";
const KEPT: [&[u8; 4]; 9] = [
    b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND", b"gAMA", b"cHRM", b"sRGB", b"sBIT",
];

pub(super) fn strip(bytes: &[u8]) -> Result<Stripped<'_>, ImageError> {
    let Some(mut rest) = bytes.strip_prefix(SIGNATURE) else {
        return Err(corrupt("not a PNG file"));
    };
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(SIGNATURE);
    let mut exif = None;
    let mut dimensions = None;
    let mut has_data = false;
    loop {
        if rest.len() < 12 {
            return Err(corrupt("truncated PNG: no IEND chunk"));
        }
        let length = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        let kind: &[u8; 4] = rest[4..8].try_into().map_err(|_| corrupt("bad chunk"))?;
        let Some(total) = length.checked_add(12).filter(|&t| t <= rest.len()) else {
            return Err(corrupt("truncated PNG chunk"));
        };
        let (chunk, tail) = rest.split_at(total);
        let data = &chunk[8..8 + length];
        rest = tail;
        if dimensions.is_none() && kind != b"IHDR" {
            return Err(corrupt("PNG does not start with IHDR"));
        }
        match kind {
            b"IHDR" => {
                if dimensions.is_some() || length != 13 {
                    return Err(corrupt("bad PNG IHDR chunk"));
                }
                let width = u32::from_be_bytes([data[0], data[1], data[2], data[3]]);
                let height = u32::from_be_bytes([data[4], data[5], data[6], data[7]]);
                dimensions = Some((width, height));
            }
            b"IDAT" => has_data = true,
            b"eXIf" if exif.is_none() => exif = Some(tiff_payload(data)),
            _ => {}
        }
        if KEPT.contains(&kind) {
            out.extend_from_slice(chunk);
        }
        if kind == b"IEND" {
            break;
        }
    }
    if !has_data {
        return Err(corrupt("PNG without image data"));
    }
    Ok(Stripped {
        clean: Some(out),
        exif,
        dimensions,
    })
}
