//! Rate-limit policy (contract §4, with §0's changes): which action class a request belongs to,
//! and how many requests each trust level may make per window. Pure data and functions; the
//! limiter behind the `RateLimiter` port enforces them.
//!
//! # Example
//!
//! A request is classified on the route pattern it matched, then limited by the tables:
//!
//! ```
//! use ciel_domain::ratelimit::{ActionClass, Limited, Window, classify, user_limits};
//! use ciel_domain::trust::TrustLevel;
//!
//! assert_eq!(classify("POST", "/v1/posts/{id}/like"), Limited::User(ActionClass::Like));
//! assert_eq!(user_limits(ActionClass::Like, TrustLevel::New), vec![(Window::Hour, 30)]);
//! ```

pub mod classify;
pub mod ip;
pub mod overrides;
pub mod policy;

pub use classify::{Limited, classify};
pub use ip::ip_bucket;
pub use overrides::LimitOverrides;
pub use policy::{ActionClass, IpAction, Window, ip_limit, user_limits};
