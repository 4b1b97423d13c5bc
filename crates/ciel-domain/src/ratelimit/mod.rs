//! Rate-limit policy (contract §4, with §0's changes): which action class a request belongs to,
//! and how many requests each trust level may make per window. Pure data and functions; the
//! limiter behind the `RateLimiter` port enforces them.

pub mod classify;
pub mod ip;
pub mod overrides;
pub mod policy;

pub use classify::{Limited, classify};
pub use ip::ip_bucket;
pub use overrides::LimitOverrides;
pub use policy::{ActionClass, IpAction, Window, ip_limit, user_limits};
