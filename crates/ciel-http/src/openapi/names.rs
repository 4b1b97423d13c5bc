//! Schema-only enums: the closed sets of wire values that the DTOs carry as `&'static str`
//! (contract §1.2, §1.8), named so that the document lists the allowed values.

use utoipa::ToSchema;

/// Post visibility on the wire.
#[derive(ToSchema)]
pub enum PostVisibility {
    /// Anyone, anonymous callers included.
    Public,
    /// The owner and their followers.
    FollowersOnly,
}

/// An upload's state (contract §3.9).
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum UploadStatusValue {
    /// Intent created, bytes not confirmed.
    Pending,
    /// Confirmed; a job is queued.
    Uploaded,
    /// A worker claimed it.
    Processing,
    /// Processed: `processed_media_id` is set.
    Completed,
    /// Permanently failed.
    Failed,
}

/// The image types an upload may declare.
#[derive(ToSchema)]
pub enum UploadContentType {
    /// JPEG.
    #[schema(rename = "image/jpeg")]
    Jpeg,
    /// PNG.
    #[schema(rename = "image/png")]
    Png,
    /// WebP.
    #[schema(rename = "image/webp")]
    Webp,
}

/// Kinds of invite code.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum InviteType {
    /// Created by a user.
    Standard,
    /// Created with the admin token (no creator).
    Admin,
    /// Reserved.
    Beta,
}

/// What a moderation audit entry is about.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ModerationTargetType {
    /// A user report.
    UserFlag,
    /// A post report.
    PostFlag,
    /// A post takedown.
    Post,
    /// A comment takedown.
    Comment,
}

/// Trust level names (levels 0–3).
#[derive(ToSchema)]
pub enum TrustLevelName {
    /// Level 0.
    New,
    /// Level 1.
    Basic,
    /// Level 2.
    Trusted,
    /// Level 3 (set by operators only).
    Verified,
}

/// `GET /health`'s status.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum HealthStatus {
    /// The database and Redis answer.
    Ok,
    /// One of them does not (still 200).
    Degraded,
}

/// `GET /ready`'s status when ready.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum ReadyStatus {
    /// Ready for traffic.
    Ready,
}
