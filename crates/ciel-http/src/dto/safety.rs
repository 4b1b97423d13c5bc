//! Trust score, devices and reports on the wire.

use ciel_app::InviteStats;
use ciel_domain::UserId;
use ciel_domain::devices::Device;
use ciel_domain::moderation::{PostFlag, UserFlag};
use ciel_domain::time::format_timestamp;
use ciel_domain::trust::TrustRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Contract §1.8 TrustScore.
#[derive(Serialize, ToSchema)]
#[schema(as = TrustScore)]
pub struct TrustScoreDto {
    #[schema(format = Uuid)]
    user_id: String,
    #[schema(minimum = 0, maximum = 3)]
    trust_level: i32,
    #[schema(value_type = crate::openapi::names::TrustLevelName)]
    trust_level_name: &'static str,
    trust_points: i32,
    account_age_days: i32,
    posts_count: i32,
    followers_count: i32,
    strikes: i32,
    is_banned: bool,
}

impl TrustScoreDto {
    /// Builds the DTO.
    pub fn new(user: UserId, r: TrustRecord, is_banned: bool) -> Self {
        Self {
            user_id: user.to_string(),
            trust_level: r.level.number(),
            trust_level_name: r.level.name(),
            trust_points: r.points,
            account_age_days: r.account_age_days,
            posts_count: r.posts_count,
            followers_count: r.followers_count,
            strikes: r.strikes,
            is_banned,
        }
    }
}

/// Contract §1.8 Device: the hash is cut to its first 16 hex characters.
#[derive(Serialize, ToSchema)]
#[schema(as = Device)]
pub struct DeviceDto {
    /// The first 16 hex characters of the fingerprint's SHA-256.
    fingerprint_hash: String,
    account_count: i32,
    #[schema(minimum = 0, maximum = 100)]
    risk_score: i32,
    is_blocked: bool,
}

impl From<Device> for DeviceDto {
    fn from(d: Device) -> Self {
        Self {
            fingerprint_hash: d.fingerprint_hash.chars().take(16).collect(),
            account_count: d.account_count,
            risk_score: d.risk_score,
            is_blocked: d.is_blocked,
        }
    }
}

/// `POST /account/device/register` (a missing fingerprint is reported as required).
#[derive(Deserialize, ToSchema)]
pub struct DeviceBody {
    /// The raw fingerprint (not blank, at most 512 bytes).
    #[schema(required, nullable = false, min_length = 1, max_length = 512)]
    pub fingerprint: Option<String>,
}

/// Contract §1.8 InviteStats.
#[derive(Serialize, ToSchema)]
#[schema(as = InviteStats)]
pub struct InviteStatsDto {
    invites_sent: i32,
    successful_invites: i32,
    #[schema(minimum = 0)]
    remaining_invites: i32,
    max_invites: i32,
}

impl From<InviteStats> for InviteStatsDto {
    fn from(s: InviteStats) -> Self {
        Self {
            invites_sent: s.invites_sent,
            successful_invites: s.successful_invites,
            remaining_invites: s.remaining_invites,
            max_invites: s.max_invites,
        }
    }
}

/// Body of reports and takedowns (all optional; an empty body means `{}`).
#[derive(Default, Deserialize, ToSchema)]
pub struct ReasonBody {
    /// Why.
    pub reason: Option<String>,
}

/// Contract §1.8 UserFlag.
#[derive(Serialize, ToSchema)]
#[schema(as = UserFlag)]
pub struct UserFlagDto {
    #[schema(format = Uuid)]
    id: String,
    #[schema(format = Uuid)]
    reporter_id: String,
    #[schema(format = Uuid)]
    target_id: String,
    #[schema(required)]
    reason: Option<String>,
    #[schema(format = DateTime)]
    created_at: String,
}

impl From<UserFlag> for UserFlagDto {
    fn from(f: UserFlag) -> Self {
        Self {
            id: f.id.to_string(),
            reporter_id: f.reporter_id.to_string(),
            target_id: f.target_id.to_string(),
            reason: f.reason,
            created_at: format_timestamp(&f.created_at),
        }
    }
}

/// Contract §1.8 PostFlag.
#[derive(Serialize, ToSchema)]
#[schema(as = PostFlag)]
pub struct PostFlagDto {
    #[schema(format = Uuid)]
    id: String,
    #[schema(format = Uuid)]
    reporter_id: String,
    #[schema(format = Uuid)]
    post_id: String,
    #[schema(required)]
    reason: Option<String>,
    #[schema(format = DateTime)]
    created_at: String,
}

impl From<PostFlag> for PostFlagDto {
    fn from(f: PostFlag) -> Self {
        Self {
            id: f.id.to_string(),
            reporter_id: f.reporter_id.to_string(),
            post_id: f.post_id.to_string(),
            reason: f.reason,
            created_at: format_timestamp(&f.created_at),
        }
    }
}

/// Contract §1.8 RateLimits.
#[derive(Serialize, ToSchema)]
#[schema(as = RateLimits)]
pub struct RateLimitsDto {
    #[schema(value_type = crate::openapi::names::TrustLevelName)]
    trust_level: &'static str,
    posts_per_hour: u32,
    posts_per_day: u32,
    follows_per_hour: u32,
    follows_per_day: u32,
    likes_per_hour: u32,
    comments_per_hour: u32,
    media_read_per_hour: u32,
    media_upload_per_hour: u32,
    remaining: RemainingDto,
}

/// The hourly windows' remaining requests.
#[derive(Serialize, ToSchema)]
#[schema(as = RateLimitsRemaining)]
pub struct RemainingDto {
    posts: u32,
    follows: u32,
    likes: u32,
    comments: u32,
    media_read: u32,
    media_upload: u32,
}

impl From<ciel_app::RateLimitsView> for RateLimitsDto {
    fn from(v: ciel_app::RateLimitsView) -> Self {
        use ciel_domain::ratelimit::ActionClass as A;
        let find = |class: A| {
            v.classes
                .iter()
                .find(|(c, ..)| *c == class)
                .map(|(_, hour, day, remaining)| (*hour, day.unwrap_or(0), *remaining))
                .unwrap_or((0, 0, 0))
        };
        let (post_h, post_d, post_r) = find(A::Post);
        let (follow_h, follow_d, follow_r) = find(A::Follow);
        let (like_h, _, like_r) = find(A::Like);
        let (comment_h, _, comment_r) = find(A::Comment);
        let (read_h, _, read_r) = find(A::MediaRead);
        let (upload_h, _, upload_r) = find(A::MediaUpload);
        Self {
            trust_level: v.level.name(),
            posts_per_hour: post_h,
            posts_per_day: post_d,
            follows_per_hour: follow_h,
            follows_per_day: follow_d,
            likes_per_hour: like_h,
            comments_per_hour: comment_h,
            media_read_per_hour: read_h,
            media_upload_per_hour: upload_h,
            remaining: RemainingDto {
                posts: post_r,
                follows: follow_r,
                likes: like_r,
                comments: comment_r,
                media_read: read_r,
                media_upload: upload_r,
            },
        }
    }
}
