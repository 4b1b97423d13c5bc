//! How long expired things are kept before the scheduled cleanup removes them (contract §3.3,
//! §3.6).
//!
//! # Example
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use ciel_domain::retention::{invite_purge_cutoff, story_purge_cutoff};
//!
//! let now = Utc.with_ymd_and_hms(2026, 3, 10, 0, 0, 0).unwrap();
//! assert_eq!(story_purge_cutoff(now), now - Duration::hours(48));
//! assert_eq!(invite_purge_cutoff(now), now - Duration::days(30));
//! ```

use crate::time::Timestamp;
use chrono::Duration;

/// Stories are purged this long after they expire (so 72 h after creation).
pub const STORY_PURGE_AFTER_EXPIRY: Duration = Duration::hours(48);

/// Invalid invite codes are deleted this long after they expire.
pub const INVITE_PURGE_AFTER_EXPIRY: Duration = Duration::days(30);

/// Stories that expired before this are purged at `now`.
pub fn story_purge_cutoff(now: Timestamp) -> Timestamp {
    now - STORY_PURGE_AFTER_EXPIRY
}

/// Invalid invite codes that expired before this are deleted at `now`.
pub fn invite_purge_cutoff(now: Timestamp) -> Timestamp {
    now - INVITE_PURGE_AFTER_EXPIRY
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn cutoffs_lie_48_hours_and_30_days_back() {
        let now = Utc::now();
        assert_eq!(now - story_purge_cutoff(now), Duration::hours(48));
        assert_eq!(now - invite_purge_cutoff(now), Duration::days(30));
    }
}
