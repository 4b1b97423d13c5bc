//! Ciel's rate-limit policy: which action class a request belongs to and how many requests each
//! trust level may make per window (contract §4, with §0's tenfold `media_read` limits).
//!
//! Pure data and functions for now; the limiter (Redis store with an in-memory fallback) joins
//! this crate with the rate-limiting work.

pub mod classify;
pub mod policy;

pub use classify::{Limited, classify};
pub use policy::{ActionClass, IpAction, Window, ip_limit, user_limits};
