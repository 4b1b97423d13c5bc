//! Ciel's use cases. Handlers, the worker and the lambda all call these services; they decide,
//! the ports do the I/O. Nothing here knows about HTTP, SQL, Redis, S3 or AMQP.

pub mod accounts;
pub mod auth;
pub mod avatars;
pub mod devices;
pub mod error;
pub mod health;
pub mod invites;
pub mod moderation;
pub mod password;
pub mod password_pool;
pub mod ratelimits;
pub mod tokens;
pub mod user_gate;

pub use accounts::{AccountService, ProfileUpdate};
pub use auth::{AuthService, SignUpRequest, TokenPair};
pub use avatars::AvatarUrls;
pub use devices::DeviceService;
pub use error::AppError;
pub use health::{HealthReport, HealthService, Readiness};
pub use invites::{InviteService, InviteStats};
pub use moderation::ModerationService;
pub use ratelimits::{RateLimitService, RateLimitsView};
pub use user_gate::UserGate;
