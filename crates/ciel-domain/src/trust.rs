//! Trust levels (contract §3.5): names and numbers. The points and promotion rules join this
//! module with the accounts work.
//!
//! # Example
//!
//! ```
//! use chrono::Utc;
//! use ciel_domain::trust::{TrustEvent, TrustLevel, TrustRecord, ban_days, invite_quota};
//!
//! let mut record = TrustRecord::new();
//! record.apply(TrustEvent::PostCreated, Utc::now());
//! record.apply(TrustEvent::LikeReceived, Utc::now());
//! assert_eq!((record.points, record.posts_count, record.likes_received_count), (6, 1, 1));
//! assert_eq!(record.level, TrustLevel::New, "a new account stays New");
//! assert_eq!(ban_days(3), Some(7));
//! assert!(invite_quota(TrustLevel::Trusted) > invite_quota(TrustLevel::New));
//! ```

/// How much an account is trusted; drives rate limits and invite quotas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TrustLevel {
    /// Level 0: the default, and forced at three strikes.
    New,
    /// Level 1.
    Basic,
    /// Level 2.
    Trusted,
    /// Level 3: set by an operator only.
    Verified,
}

impl TrustLevel {
    /// Every level, lowest first.
    pub const ALL: [TrustLevel; 4] = [Self::New, Self::Basic, Self::Trusted, Self::Verified];

    /// The stored number (0–3).
    pub fn number(self) -> i32 {
        self as i32
    }

    /// The level stored as `n`; out-of-range values (and a missing row) count as `New`.
    pub fn from_number(n: i32) -> Self {
        match n {
            1 => Self::Basic,
            2 => Self::Trusted,
            3 => Self::Verified,
            _ => Self::New,
        }
    }

    /// The wire name (`New`, `Basic`, `Trusted`, `Verified`).
    pub fn name(self) -> &'static str {
        match self {
            Self::New => "New",
            Self::Basic => "Basic",
            Self::Trusted => "Trusted",
            Self::Verified => "Verified",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_names_round_trip() {
        for level in TrustLevel::ALL {
            assert_eq!(TrustLevel::from_number(level.number()), level);
        }
        assert_eq!(TrustLevel::from_number(7), TrustLevel::New);
        assert_eq!(TrustLevel::Trusted.name(), "Trusted");
    }
}

/// Something that changes a user's trust (contract §3.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrustEvent {
    /// The user created a post (+5, `posts_count`).
    PostCreated,
    /// The user wrote a comment (+2, `comments_count`).
    CommentCreated,
    /// One of the user's posts got a new like (+1, `likes_received_count`).
    LikeReceived,
    /// The user gained a follower (+3, `followers_count`).
    FollowerGained,
    /// The user lost a follower (−1; defined, not emitted).
    FollowerLost,
    /// The user, or one of their posts, was reported (−10, `flags_received`; every 10th flag
    /// is also a strike).
    FlagReceived,
    /// A moderator removed the user's post or comment (−25).
    ContentRemoved,
    /// Someone signed up with the user's invite (+10, `successful_invites`).
    SuccessfulInvite,
}

/// A user's trust record (a `user_trust_scores` row).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustRecord {
    /// Current level.
    pub level: TrustLevel,
    /// Points, never below 0.
    pub points: i32,
    /// Whole days since the record was created (refreshed hourly).
    pub account_age_days: i32,
    /// Posts created.
    pub posts_count: i32,
    /// Comments written.
    pub comments_count: i32,
    /// Likes received.
    pub likes_received_count: i32,
    /// Followers gained.
    pub followers_count: i32,
    /// Reports received (strikes count as one more).
    pub flags_received: i32,
    /// Strikes.
    pub strikes: i32,
    /// Invites created (the quota counter; revoking does not give one back).
    pub invites_sent: i32,
    /// Sign-ups through the user's invites.
    pub successful_invites: i32,
    /// Banned until then, if set.
    pub banned_until: Option<crate::time::Timestamp>,
}

impl TrustRecord {
    /// A new user's record: level 0, no points.
    pub fn new() -> Self {
        Self {
            level: TrustLevel::New,
            points: 0,
            account_age_days: 0,
            posts_count: 0,
            comments_count: 0,
            likes_received_count: 0,
            followers_count: 0,
            flags_received: 0,
            strikes: 0,
            invites_sent: 0,
            successful_invites: 0,
            banned_until: None,
        }
    }

    /// Whether the user is banned at `now`.
    pub fn is_banned(&self, now: crate::time::Timestamp) -> bool {
        self.banned_until.is_some_and(|until| until > now)
    }

    /// Applies `event` at `now`: points (never below 0), counters, strikes every 10th flag,
    /// automatic bans at 3+ strikes, and the level recalculation when the rules ask for it.
    pub fn apply(&mut self, event: TrustEvent, now: crate::time::Timestamp) {
        let delta = match event {
            TrustEvent::PostCreated => {
                self.posts_count += 1;
                5
            }
            TrustEvent::CommentCreated => {
                self.comments_count += 1;
                2
            }
            TrustEvent::LikeReceived => {
                self.likes_received_count += 1;
                1
            }
            TrustEvent::FollowerGained => {
                self.followers_count += 1;
                3
            }
            TrustEvent::FollowerLost => -1,
            TrustEvent::FlagReceived => {
                self.flags_received += 1;
                -10
            }
            TrustEvent::ContentRemoved => -25,
            TrustEvent::SuccessfulInvite => {
                self.successful_invites += 1;
                10
            }
        };
        self.add_points(delta);
        let mut recalc = delta.abs() >= 5;
        if event == TrustEvent::FlagReceived {
            recalc = true;
            if self.flags_received % 10 == 0 {
                self.strike(now);
            }
        }
        if recalc {
            self.recalculate_level();
        }
    }

    fn add_points(&mut self, delta: i32) {
        self.points = (self.points + delta).max(0);
    }

    /// A strike: −50 points, `strikes` + 1 and `flags_received` + 1; at 3+ strikes an
    /// automatic ban (3rd: 7 days, 4th: 30, 5th and later: 365) and level 0.
    fn strike(&mut self, now: crate::time::Timestamp) {
        self.strikes += 1;
        self.flags_received += 1;
        self.add_points(-50);
        if let Some(days) = ban_days(self.strikes) {
            self.banned_until = Some(now + chrono::Duration::days(days));
            self.level = TrustLevel::New;
        }
    }

    /// The level the rules give: 0 at 3+ strikes; Verified is kept (operator-set); otherwise
    /// Trusted, Basic or New by age, posts, points and flags.
    pub fn recalculate_level(&mut self) {
        self.level = if self.strikes >= 3 {
            TrustLevel::New
        } else if self.level == TrustLevel::Verified {
            TrustLevel::Verified
        } else if self.account_age_days >= 90
            && self.posts_count >= 50
            && self.points >= 200
            && self.flags_received < 3
        {
            TrustLevel::Trusted
        } else if self.account_age_days >= 7
            && self.posts_count >= 5
            && self.points >= 20
            && self.flags_received < 5
        {
            TrustLevel::Basic
        } else {
            TrustLevel::New
        };
    }
}

impl Default for TrustRecord {
    fn default() -> Self {
        Self::new()
    }
}

/// Ban length for a strike total: none below 3; 7, 30, then 365 days.
pub fn ban_days(strikes: i32) -> Option<i64> {
    match strikes {
        i32::MIN..=2 => None,
        3 => Some(7),
        4 => Some(30),
        _ => Some(365),
    }
}

/// Lifetime invite quota per level (contract §3.6).
pub fn invite_quota(level: TrustLevel) -> i32 {
    match level {
        TrustLevel::New => 3,
        TrustLevel::Basic => 10,
        TrustLevel::Trusted => 50,
        TrustLevel::Verified => 200,
    }
}

#[cfg(test)]
mod rule_tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn points_never_go_below_zero() {
        let mut r = TrustRecord::new();
        r.apply(TrustEvent::ContentRemoved, Utc::now());
        assert_eq!(r.points, 0);
        r.apply(TrustEvent::PostCreated, Utc::now());
        r.apply(TrustEvent::FollowerLost, Utc::now());
        assert_eq!(r.points, 4);
    }

    #[test]
    fn counters_follow_events() {
        let mut r = TrustRecord::new();
        let now = Utc::now();
        for e in [
            TrustEvent::PostCreated,
            TrustEvent::CommentCreated,
            TrustEvent::LikeReceived,
            TrustEvent::FollowerGained,
            TrustEvent::SuccessfulInvite,
        ] {
            r.apply(e, now);
        }
        assert_eq!(
            (
                r.posts_count,
                r.comments_count,
                r.likes_received_count,
                r.followers_count,
                r.successful_invites
            ),
            (1, 1, 1, 1, 1)
        );
        assert_eq!(r.points, 5 + 2 + 1 + 3 + 10);
    }

    #[test]
    fn levels_follow_the_thresholds() {
        let mut r = TrustRecord {
            account_age_days: 7,
            posts_count: 5,
            points: 20,
            ..TrustRecord::new()
        };
        r.recalculate_level();
        assert_eq!(r.level, TrustLevel::Basic);
        r.flags_received = 5;
        r.recalculate_level();
        assert_eq!(r.level, TrustLevel::New);
        let mut t = TrustRecord {
            account_age_days: 90,
            posts_count: 50,
            points: 200,
            flags_received: 2,
            ..TrustRecord::new()
        };
        t.recalculate_level();
        assert_eq!(t.level, TrustLevel::Trusted);
        t.flags_received = 3;
        t.recalculate_level();
        assert_eq!(t.level, TrustLevel::Basic);
    }

    #[test]
    fn small_events_do_not_recalculate() {
        let mut r = TrustRecord {
            account_age_days: 7,
            posts_count: 5,
            points: 19,
            ..TrustRecord::new()
        };
        r.apply(TrustEvent::LikeReceived, Utc::now());
        assert_eq!(r.points, 20);
        assert_eq!(r.level, TrustLevel::New, "|Δ| < 5 does not recalculate");
        r.apply(TrustEvent::PostCreated, Utc::now());
        assert_eq!(r.level, TrustLevel::Basic);
    }

    #[test]
    fn verified_is_kept_until_three_strikes() {
        let mut r = TrustRecord {
            level: TrustLevel::Verified,
            ..TrustRecord::new()
        };
        r.recalculate_level();
        assert_eq!(r.level, TrustLevel::Verified);
        r.strikes = 3;
        r.recalculate_level();
        assert_eq!(r.level, TrustLevel::New);
    }

    #[test]
    fn every_tenth_flag_strikes_and_bans_escalate() {
        let now = Utc::now();
        let mut r = TrustRecord {
            points: 1000,
            ..TrustRecord::new()
        };
        for _ in 0..9 {
            r.apply(TrustEvent::FlagReceived, now);
        }
        assert_eq!((r.strikes, r.flags_received), (0, 9));
        r.apply(TrustEvent::FlagReceived, now);
        assert_eq!(
            (r.strikes, r.flags_received),
            (1, 11),
            "a strike counts as one more flag"
        );
        assert_eq!(r.points, 1000 - 100 - 50);
        assert!(!r.is_banned(now));
        // Flags 12..=20: the 20th is the 2nd strike; 21..=30: the 3rd → 7-day ban.
        for _ in 0..9 {
            r.apply(TrustEvent::FlagReceived, now);
        }
        assert_eq!(r.strikes, 2);
        for _ in 0..10 {
            r.apply(TrustEvent::FlagReceived, now);
        }
        assert_eq!(r.strikes, 3);
        assert!(r.is_banned(now));
        assert_eq!(r.banned_until, Some(now + chrono::Duration::days(7)));
        assert_eq!(r.level, TrustLevel::New);
        assert_eq!(ban_days(4), Some(30));
        assert_eq!(ban_days(5), Some(365));
        assert_eq!(ban_days(9), Some(365));
        assert_eq!(ban_days(2), None);
    }

    #[test]
    fn quotas_by_level() {
        assert_eq!(TrustLevel::ALL.map(invite_quota), [3, 10, 50, 200]);
    }
}
