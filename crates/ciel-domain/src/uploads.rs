//! Uploads (contract §2.7, §3.9): the rules of an upload intent (accepted types, declared size),
//! the `media_uploads` state machine, and the storage keys of an upload and its derivatives.
//!
//! # Example
//!
//! ```
//! use ciel_domain::ports::ImageFormat;
//! use ciel_domain::uploads::{UPLOAD_TOO_LARGE, UploadStatus, check_intent, upload_key};
//! use ciel_domain::{UploadId, UserId};
//!
//! assert_eq!(check_intent("image/png", 1000, 10_000), Ok(ImageFormat::Png));
//! assert_eq!(check_intent("image/png", 20_000, 10_000).unwrap_err().0, UPLOAD_TOO_LARGE);
//! assert!(check_intent("text/html", 10, 10_000).is_err());
//! let (owner, id) = (UserId::generate(), UploadId::generate());
//! assert_eq!(upload_key(owner, id, ImageFormat::Png), format!("uploads/{owner}/{id}.png"));
//! assert!(UploadStatus::Pending.accepts_complete());
//! assert!(!UploadStatus::Completed.claimable());
//! ```

use crate::ports::images::ImageFormat;
use crate::time::Timestamp;
use crate::{MediaId, UploadId, UserId};

/// `bytes` was zero or negative.
pub const BYTES_NOT_POSITIVE: &str = "bytes must be greater than 0";
/// `bytes` was over `UPLOAD_MAX_BYTES`.
pub const UPLOAD_TOO_LARGE: &str = "upload exceeds max size";
/// The content type is not one of the accepted photo types.
pub const INVALID_UPLOAD_REQUEST: &str = "invalid upload request";

/// Why an upload intent is refused (400 with the message).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UploadRejected(pub &'static str);

/// Checks an upload intent: the type must be an accepted photo type, `bytes` in
/// `1..=max_bytes`. The size is checked first (a zero-byte upload of any type says so).
pub fn check_intent(
    content_type: &str,
    bytes: i64,
    max_bytes: u64,
) -> Result<ImageFormat, UploadRejected> {
    if bytes <= 0 {
        return Err(UploadRejected(BYTES_NOT_POSITIVE));
    }
    if u64::try_from(bytes).unwrap_or(u64::MAX) > max_bytes {
        return Err(UploadRejected(UPLOAD_TOO_LARGE));
    }
    ImageFormat::from_content_type(content_type).ok_or(UploadRejected(INVALID_UPLOAD_REQUEST))
}

/// The `media_upload_status` values (§3.9 state machine).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UploadStatus {
    /// Intent created; the client has not said it finished the PUT.
    Pending,
    /// The object is in storage; a job is enqueued.
    Uploaded,
    /// A worker claimed the job.
    Processing,
    /// Processing failed permanently.
    Failed,
    /// Processed; `processed_media_id` is set.
    Completed,
}

impl UploadStatus {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Uploaded => "uploaded",
            Self::Processing => "processing",
            Self::Failed => "failed",
            Self::Completed => "completed",
        }
    }

    /// Whether `complete` may (still) be called: `pending` or `uploaded` (idempotent).
    pub fn accepts_complete(self) -> bool {
        matches!(self, Self::Pending | Self::Uploaded)
    }

    /// Whether a worker may claim the upload: `uploaded`, or `processing` (a redelivery after a
    /// crash recovers it). Anything else means the job is stale.
    pub fn claimable(self) -> bool {
        matches!(self, Self::Uploaded | Self::Processing)
    }
}

/// A row of `media_uploads`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upload {
    /// Its id.
    pub id: UploadId,
    /// The uploader.
    pub owner_id: UserId,
    /// Where the client PUTs the original (`uploads/{owner}/{id}.{ext}`).
    pub original_key: String,
    /// The declared content type.
    pub content_type: String,
    /// The declared size.
    pub bytes: i64,
    /// Where it is in the state machine.
    pub status: UploadStatus,
    /// The processed media, once `completed`.
    pub processed_media_id: Option<MediaId>,
    /// When `complete` was accepted.
    pub uploaded_at: Option<Timestamp>,
    /// When the intent was created.
    pub created_at: Timestamp,
}

/// The storage key the client uploads the original to: `uploads/{owner}/{upload}.{ext}`.
pub fn upload_key(owner: UserId, upload: UploadId, format: ImageFormat) -> String {
    format!("uploads/{owner}/{upload}.{}", format.extension())
}

/// Where a processed upload's objects live. All under `media/{owner}/{upload}/`, so keys are
/// fixed per upload: a redelivered job overwrites the same objects with the same bytes, and the
/// objects are immutable once the media row points at them.
///
/// The clean original (metadata stripped, orientation applied) is stored beside the derivatives
/// as `original.{ext}` rather than over `uploads/…`: the presigned PUT for the upload key stays
/// valid for its TTL, so a client could overwrite that key after processing; nothing under
/// `media/` is ever writable by a client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaKeys {
    /// `media/{owner}/{upload}/original.{ext}`.
    pub original: String,
    /// `media/{owner}/{upload}/thumb.{ext}`.
    pub thumb: String,
    /// `media/{owner}/{upload}/medium.{ext}`.
    pub medium: String,
}

impl MediaKeys {
    /// The keys of `upload` by `owner` in `format`.
    pub fn new(owner: UserId, upload: UploadId, format: ImageFormat) -> Self {
        let ext = format.extension();
        Self {
            original: format!("media/{owner}/{upload}/original.{ext}"),
            thumb: format!("media/{owner}/{upload}/thumb.{ext}"),
            medium: format!("media/{owner}/{upload}/medium.{ext}"),
        }
    }
}

/// The `Cache-Control` of every processed object: its key never changes content.
pub const IMMUTABLE_CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intents_check_size_then_type() {
        let max = 10_485_760;
        assert_eq!(check_intent("image/jpeg", 1, max), Ok(ImageFormat::Jpeg));
        assert_eq!(
            check_intent("image/webp", 10_485_760, max),
            Ok(ImageFormat::Webp)
        );
        assert_eq!(
            check_intent("image/png", 0, max),
            Err(UploadRejected(BYTES_NOT_POSITIVE))
        );
        assert_eq!(
            check_intent("video/mp4", -5, max),
            Err(UploadRejected(BYTES_NOT_POSITIVE))
        );
        assert_eq!(
            check_intent("image/png", 10_485_761, max),
            Err(UploadRejected(UPLOAD_TOO_LARGE))
        );
        for bad in ["image/gif", "IMAGE/JPEG", "", "image/jpeg; charset=x"] {
            assert_eq!(
                check_intent(bad, 10, max),
                Err(UploadRejected(INVALID_UPLOAD_REQUEST)),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_state_machine_gates_complete_and_claims() {
        use UploadStatus::*;
        let all = [Pending, Uploaded, Processing, Failed, Completed];
        let complete: Vec<_> = all.iter().map(|s| s.accepts_complete()).collect();
        let claim: Vec<_> = all.iter().map(|s| s.claimable()).collect();
        assert_eq!(complete, [true, true, false, false, false]);
        assert_eq!(claim, [false, true, true, false, false]);
    }

    #[test]
    fn keys_follow_the_contract() {
        let owner: UserId = "6ba7b810-9dad-11d1-80b4-00c04fd430c8".parse().unwrap();
        let upload: UploadId = "550e8400-e29b-41d4-a716-446655440000".parse().unwrap();
        assert_eq!(
            upload_key(owner, upload, ImageFormat::Png),
            "uploads/6ba7b810-9dad-11d1-80b4-00c04fd430c8/550e8400-e29b-41d4-a716-446655440000.png"
        );
        let keys = MediaKeys::new(owner, upload, ImageFormat::Jpeg);
        let base =
            "media/6ba7b810-9dad-11d1-80b4-00c04fd430c8/550e8400-e29b-41d4-a716-446655440000";
        assert_eq!(keys.original, format!("{base}/original.jpg"));
        assert_eq!(keys.thumb, format!("{base}/thumb.jpg"));
        assert_eq!(keys.medium, format!("{base}/medium.jpg"));
    }
}
