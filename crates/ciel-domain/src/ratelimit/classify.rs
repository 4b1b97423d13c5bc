//! Route → limit class (contract §4.2 and §4.3), on paths with `/v1` already stripped.

use super::policy::{ActionClass, IpAction};

/// How a request is limited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limited {
    /// Per user (only when a valid bearer token is present).
    User(ActionClass),
    /// Per client IP.
    Ip(IpAction),
    /// Not limited.
    None,
}

/// Classifies `method path` (path after `/v1`, or a root path such as `/health`).
pub fn classify(method: &str, path: &str) -> Limited {
    use ActionClass as A;
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let seg = |i: usize| segments.get(i).copied().unwrap_or("");
    match (method, seg(0)) {
        ("POST", "auth") if seg(1) == "login" && segments.len() == 2 => {
            Limited::Ip(IpAction::Login)
        }
        ("POST", "auth") if seg(1) == "refresh" && segments.len() == 2 => {
            Limited::Ip(IpAction::AuthRefresh)
        }
        ("POST", "auth") if seg(1) == "revoke" && segments.len() == 2 => {
            Limited::Ip(IpAction::AuthRevoke)
        }
        ("POST", "users") if segments.len() == 1 => Limited::Ip(IpAction::Signup),
        ("GET", "health") if segments.len() == 1 => Limited::Ip(IpAction::Health),
        ("POST", "account") if seg(1) == "device" && seg(2) == "register" => {
            Limited::Ip(IpAction::DeviceRegister)
        }
        ("GET", "invites") if seg(1) == "validate" && segments.len() == 3 => {
            Limited::Ip(IpAction::InviteValidate)
        }
        ("POST", "posts" | "stories") if segments.len() == 1 => Limited::User(A::Post),
        ("POST", "posts") if seg(2) == "like" && segments.len() == 3 => Limited::User(A::Like),
        ("POST", "stories") if matches!(seg(2), "seen" | "reactions") && segments.len() == 3 => {
            Limited::User(A::Like)
        }
        ("POST", "posts") if seg(2) == "comment" && segments.len() == 3 => {
            Limited::User(A::Comment)
        }
        ("POST", "users") if seg(2) == "follow" && segments.len() == 3 => Limited::User(A::Follow),
        ("POST", "users") if seg(2) == "unfollow" && segments.len() == 3 => {
            Limited::User(A::Unfollow)
        }
        ("GET", "feed") if matches!(segments.len(), 1) || seg(1) == "stories" => {
            Limited::User(A::Feed)
        }
        ("POST", "feed") if seg(1) == "refresh" => Limited::User(A::Feed),
        (_, "notifications") => Limited::User(A::Notifications),
        (_, "search") => Limited::User(A::Search),
        ("GET", "media") => Limited::User(A::MediaRead),
        ("POST" | "DELETE", "media") => Limited::User(A::MediaUpload),
        (_, "moderation") => Limited::User(A::Moderation),
        _ => Limited::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ActionClass as A;

    #[test]
    fn routes_map_to_the_contract_classes() {
        let cases = [
            ("POST", "/posts", Limited::User(A::Post)),
            ("POST", "/stories", Limited::User(A::Post)),
            ("POST", "/posts/x/like", Limited::User(A::Like)),
            ("DELETE", "/posts/x/like", Limited::None),
            ("POST", "/stories/x/seen", Limited::User(A::Like)),
            ("POST", "/stories/x/reactions", Limited::User(A::Like)),
            ("POST", "/posts/x/comment", Limited::User(A::Comment)),
            ("POST", "/users/x/follow", Limited::User(A::Follow)),
            ("POST", "/users/x/unfollow", Limited::User(A::Unfollow)),
            ("GET", "/feed", Limited::User(A::Feed)),
            ("GET", "/feed/stories", Limited::User(A::Feed)),
            ("POST", "/feed/refresh", Limited::User(A::Feed)),
            ("GET", "/notifications", Limited::User(A::Notifications)),
            (
                "POST",
                "/notifications/x/read",
                Limited::User(A::Notifications),
            ),
            ("GET", "/search/users", Limited::User(A::Search)),
            ("GET", "/media/upload/x/status", Limited::User(A::MediaRead)),
            ("GET", "/media/x", Limited::User(A::MediaRead)),
            ("POST", "/media/upload", Limited::User(A::MediaUpload)),
            (
                "POST",
                "/media/upload/x/complete",
                Limited::User(A::MediaUpload),
            ),
            ("DELETE", "/media/x", Limited::User(A::MediaUpload)),
            (
                "POST",
                "/moderation/users/x/flag",
                Limited::User(A::Moderation),
            ),
            ("POST", "/auth/login", Limited::Ip(IpAction::Login)),
            ("POST", "/auth/refresh", Limited::Ip(IpAction::AuthRefresh)),
            ("POST", "/auth/revoke", Limited::Ip(IpAction::AuthRevoke)),
            ("POST", "/users", Limited::Ip(IpAction::Signup)),
            ("GET", "/health", Limited::Ip(IpAction::Health)),
            (
                "POST",
                "/account/device/register",
                Limited::Ip(IpAction::DeviceRegister),
            ),
            (
                "GET",
                "/invites/validate/ABC",
                Limited::Ip(IpAction::InviteValidate),
            ),
            ("GET", "/auth/me", Limited::None),
            ("GET", "/account/trust-score", Limited::None),
            ("POST", "/invites", Limited::None),
            ("POST", "/admin/invites", Limited::None),
            ("GET", "/users/x", Limited::None),
            ("PATCH", "/users/x", Limited::None),
        ];
        for (method, path, expected) in cases {
            assert_eq!(classify(method, path), expected, "{method} {path}");
        }
    }
}
