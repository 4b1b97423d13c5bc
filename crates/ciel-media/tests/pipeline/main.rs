//! The image pipeline without services: photos generated in memory (JPEG, PNG, WebP, with
//! hand-assembled EXIF/GPS, XMP, IPTC, ICC and comments), derivatives checked by decoding them,
//! orientation, metadata stripping, limits and hostile input.

mod alloc;
mod derivatives;
mod fixtures;
mod hostile;
mod metadata;
