//! The limit tables of contract §4.1 and §4.3.
//!
//! # Example
//!
//! ```
//! use ciel_domain::ratelimit::policy::{ActionClass, IpAction, Window, ip_limit, user_limits};
//! use ciel_domain::trust::TrustLevel;
//!
//! // Higher trust, more room.
//! let new = user_limits(ActionClass::Comment, TrustLevel::New);
//! let trusted = user_limits(ActionClass::Comment, TrustLevel::Trusted);
//! assert_eq!((new[0].1, trusted[0].1), (10, 100));
//! assert_eq!(ip_limit(IpAction::Login, 5), (Window::Hour, 10));
//! assert_eq!(Window::Hour.seconds(), 3600);
//! assert_eq!(ActionClass::MediaRead.name(), "media_read");
//! ```

use crate::trust::TrustLevel;

/// A fixed window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Window {
    /// 60 s.
    Minute,
    /// 3 600 s.
    Hour,
    /// 86 400 s.
    Day,
}

impl Window {
    /// The window's length in seconds.
    pub fn seconds(self) -> u64 {
        match self {
            Self::Minute => 60,
            Self::Hour => 3_600,
            Self::Day => 86_400,
        }
    }
}

impl Window {
    /// Every window, shortest first.
    pub const ALL: [Window; 3] = [Window::Minute, Window::Hour, Window::Day];

    /// The name used in configuration (`minute`, `hour`, `day`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Minute => "minute",
            Self::Hour => "hour",
            Self::Day => "day",
        }
    }
}

/// Per-user action classes (contract §4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionClass {
    /// Creating posts and stories.
    Post,
    /// Following.
    Follow,
    /// Unfollowing.
    Unfollow,
    /// Likes, story views and story reactions.
    Like,
    /// Comments.
    Comment,
    /// Feeds.
    Feed,
    /// Notifications.
    Notifications,
    /// Search.
    Search,
    /// Reading media and polling uploads.
    MediaRead,
    /// Upload intents, completions and media deletion.
    MediaUpload,
    /// Reports.
    Moderation,
}

impl ActionClass {
    /// Every class.
    pub const ALL: [ActionClass; 11] = [
        Self::Post,
        Self::Follow,
        Self::Unfollow,
        Self::Like,
        Self::Comment,
        Self::Feed,
        Self::Notifications,
        Self::Search,
        Self::MediaRead,
        Self::MediaUpload,
        Self::Moderation,
    ];

    /// The name used in keys, messages and metrics.
    pub fn name(self) -> &'static str {
        match self {
            Self::Post => "post",
            Self::Follow => "follow",
            Self::Unfollow => "unfollow",
            Self::Like => "like",
            Self::Comment => "comment",
            Self::Feed => "feed",
            Self::Notifications => "notifications",
            Self::Search => "search",
            Self::MediaRead => "media_read",
            Self::MediaUpload => "media_upload",
            Self::Moderation => "moderation",
        }
    }
}

/// The limits of `class` for `level`: one `(window, max requests)` per window of the class.
pub fn user_limits(class: ActionClass, level: TrustLevel) -> Vec<(Window, u32)> {
    use ActionClass::*;
    use Window::*;
    let by_level = |n: [u32; 4]| n[level.number() as usize];
    match class {
        Post => vec![
            (Hour, by_level([1, 5, 20, 500])),
            (Day, by_level([5, 20, 100, 2000])),
        ],
        Follow => vec![
            (Hour, by_level([5, 20, 100, 2000])),
            (Day, by_level([20, 100, 500, 10_000])),
        ],
        Unfollow => vec![(Day, by_level([10, 50, 200, 5000]))],
        Like => vec![(Hour, by_level([30, 100, 500, 10_000]))],
        Comment => vec![(Hour, by_level([10, 30, 100, 2000]))],
        Feed | Notifications => vec![(Hour, by_level([120, 300, 1000, 20_000]))],
        Search => vec![(Hour, by_level([60, 200, 600, 12_000]))],
        // Contract §0: shipped clients fetch every image's Media, so reads get 10× the table.
        MediaRead => vec![(Hour, 10 * by_level([500, 1000, 3000, 10_000]))],
        MediaUpload => vec![(Hour, by_level([10, 30, 100, 500]))],
        Moderation => vec![(Hour, by_level([20, 50, 100, 2000]))],
    }
}

/// Per-IP limited requests (contract §4.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IpAction {
    /// `POST /auth/login`.
    Login,
    /// `POST /auth/refresh`.
    AuthRefresh,
    /// `POST /auth/revoke`.
    AuthRevoke,
    /// `POST /users` (sign-up).
    Signup,
    /// `GET /health`.
    Health,
    /// `POST /account/device/register`.
    DeviceRegister,
    /// `GET /invites/validate/:code`.
    InviteValidate,
    /// A wrong or missing `x-admin-token` (only failures count; see `ciel-http`'s `AdminAuth`).
    AdminToken,
}

impl IpAction {
    /// Every IP-limited action.
    pub const ALL: [IpAction; 8] = [
        Self::Login,
        Self::AuthRefresh,
        Self::AuthRevoke,
        Self::Signup,
        Self::Health,
        Self::DeviceRegister,
        Self::InviteValidate,
        Self::AdminToken,
    ];

    /// The name used in keys and metrics.
    pub fn name(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::AuthRefresh => "auth_refresh",
            Self::AuthRevoke => "auth_revoke",
            Self::Signup => "signup",
            Self::Health => "health",
            Self::DeviceRegister => "device_register",
            Self::InviteValidate => "invite_validate",
            Self::AdminToken => "admin_token",
        }
    }
}

/// The IP limit of `action`; sign-ups use the configured `IP_SIGNUP_RATE_LIMIT` per day.
pub fn ip_limit(action: IpAction, signups_per_day: u32) -> (Window, u32) {
    match action {
        IpAction::Login => (Window::Hour, 10),
        IpAction::AuthRefresh | IpAction::AuthRevoke | IpAction::DeviceRegister => {
            (Window::Hour, 30)
        }
        IpAction::Signup => (Window::Day, signups_per_day),
        IpAction::Health => (Window::Minute, 60),
        IpAction::InviteValidate => (Window::Hour, 60),
        IpAction::AdminToken => (Window::Hour, 10),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_match_the_contract() {
        use TrustLevel::*;
        assert_eq!(
            user_limits(ActionClass::Post, New),
            [(Window::Hour, 1), (Window::Day, 5)]
        );
        assert_eq!(
            user_limits(ActionClass::Post, Verified),
            [(Window::Hour, 500), (Window::Day, 2000)]
        );
        assert_eq!(
            user_limits(ActionClass::Follow, Basic),
            [(Window::Hour, 20), (Window::Day, 100)]
        );
        assert_eq!(
            user_limits(ActionClass::Unfollow, Trusted),
            [(Window::Day, 200)]
        );
        assert_eq!(user_limits(ActionClass::Feed, New), [(Window::Hour, 120)]);
        assert_eq!(
            user_limits(ActionClass::MediaRead, New),
            [(Window::Hour, 5000)]
        );
        assert_eq!(
            user_limits(ActionClass::MediaUpload, Verified),
            [(Window::Hour, 500)]
        );
        assert_eq!(ip_limit(IpAction::Signup, 3), (Window::Day, 3));
        assert_eq!(ip_limit(IpAction::Health, 3), (Window::Minute, 60));
        assert_eq!(Window::Day.seconds(), 86_400);
    }

    #[test]
    fn higher_levels_never_get_less() {
        let classes = [
            ActionClass::Post,
            ActionClass::Follow,
            ActionClass::Unfollow,
            ActionClass::Like,
            ActionClass::Comment,
            ActionClass::Feed,
            ActionClass::Notifications,
            ActionClass::Search,
            ActionClass::MediaRead,
            ActionClass::MediaUpload,
            ActionClass::Moderation,
        ];
        for class in classes {
            for pair in TrustLevel::ALL.windows(2) {
                let (lo, hi) = (user_limits(class, pair[0]), user_limits(class, pair[1]));
                for ((w1, a), (w2, b)) in lo.iter().zip(&hi) {
                    assert_eq!(w1, w2);
                    assert!(b >= a, "{class:?} {pair:?}");
                }
            }
        }
    }
}
