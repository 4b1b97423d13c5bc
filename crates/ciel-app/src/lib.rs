//! Ciel's use cases. Handlers, the worker and the lambda all call these services; they decide,
//! the ports do the I/O. Nothing here knows about HTTP, SQL, Redis, S3 or AMQP.

pub mod error;
pub mod health;
pub mod invites;
pub mod moderation;
pub mod password;
pub mod password_pool;
pub mod tokens;

pub use error::AppError;
pub use health::{HealthReport, HealthService, Readiness};
pub use invites::InviteService;
pub use moderation::ModerationService;
