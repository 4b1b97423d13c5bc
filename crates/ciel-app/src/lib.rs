//! Ciel's use cases. Handlers, the worker and the lambda all call these services; they decide,
//! the ports do the I/O. Nothing here knows about HTTP, SQL, Redis, S3 or AMQP.

pub mod accounts;
pub mod auth;
pub mod avatars;
pub mod cache_keys;
pub mod deps;
pub mod devices;
pub mod error;
pub mod feed;
pub mod health;
pub mod invites;
pub mod jobs;
pub mod media_urls;
pub mod moderation;
pub mod notifications;
pub mod password;
pub mod password_pool;
pub mod post_view;
pub mod posts;
pub mod ratelimits;
pub mod search;
pub mod sessions;
pub mod signup;
pub mod social;
pub mod stories;
pub mod tokens;
pub mod trust;
pub mod tx;

pub use accounts::{AccountService, ProfileUpdate};
pub use auth::{AuthService, SignUpRequest, TokenPair};
pub use avatars::AvatarUrls;
pub use deps::{CoreDeps, SystemClock};
pub use devices::DeviceService;
pub use error::AppError;
pub use feed::{CacheOutcome, FeedCacheStats, FeedService};
pub use health::{HealthReport, HealthService, Readiness};
pub use invites::{InviteService, InviteStats};
pub use media_urls::{MediaUrls, MediaView};
pub use moderation::ModerationService;
pub use notifications::NotificationService;
pub use post_view::PostView;
pub use posts::PostService;
pub use ratelimits::{RateLimitService, RateLimitsView};
pub use search::{SearchService, UserHit};
pub use social::SocialService;
pub use stories::{StoryService, StoryView, ViewerView};
