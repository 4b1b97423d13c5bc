//! What handlers and middleware share: the use-case services and the edge settings.

use crate::metrics::HttpMetrics;
use ciel_app::{
    AccountService, AuthService, DeviceService, FeedService, HealthService, InviteService,
    MediaJobService, MediaService, ModerationService, NotificationService, PostService,
    RateLimitService, SearchService, SocialService, StoryService,
};
use ipnet::IpNet;
use secrecy::SecretString;
use std::sync::Arc;

/// Settings the HTTP edge needs (already validated by `ciel-runtime`'s config).
#[derive(Clone, Debug)]
pub struct HttpSettings {
    /// Value of the `X-Ciel-Served-By` header.
    pub served_by: String,
    /// Peers whose `X-Forwarded-For` / `X-Forwarded-Proto` are trusted.
    pub trusted_proxies: Vec<IpNet>,
    /// The shared admin secret; `None` (or empty) disables admin routes (403).
    pub admin_token: Option<SecretString>,
    /// Whether the edge enforces rate limits (`RATE_LIMIT_ENABLED`).
    pub rate_limits_enabled: bool,
}

/// Shared application state, cheap to clone into every worker thread.
#[derive(Clone)]
pub struct HttpState {
    /// Edge settings.
    pub settings: Arc<HttpSettings>,
    /// Health and readiness.
    pub health: HealthService,
    /// The Prometheus registry and HTTP metrics.
    pub metrics: HttpMetrics,
    /// Invite codes.
    pub invites: InviteService,
    /// Reports, takedowns, audit log.
    pub moderation: ModerationService,
    /// Sign-up, login, sessions, bearer authentication.
    pub auth: AuthService,
    /// Profiles, deletion, trust scores.
    pub accounts: AccountService,
    /// Device fingerprints.
    pub devices: DeviceService,
    /// Rate-limit decisions.
    pub ratelimits: RateLimitService,
    /// Follows, blocks, relationships.
    pub social: SocialService,
    /// Posts, likes, comments.
    pub posts: PostService,
    /// Stories and highlights.
    pub stories: StoryService,
    /// The home feed.
    pub feed: FeedService,
    /// Notifications.
    pub notifications: NotificationService,
    /// Search.
    pub search: SearchService,
    /// Uploads and media.
    pub media: MediaService,
    /// The media job (the serverless worker's `POST /`); `None` where this process runs no
    /// image pipeline.
    pub media_jobs: Option<MediaJobService>,
}
