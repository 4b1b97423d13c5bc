//! How long expired things are kept before the scheduled cleanup removes them (contract §3.3,
//! §3.6).

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
