//! Route → limit class (contract §4.2 and §4.3), decided on the route pattern the router
//! matched (e.g. `/v1/posts/{id}/like`), never on the raw path: every spelling that reaches a
//! handler is counted like the canonical one, and a spelling that reaches none costs nothing.
//!
//! # Example
//!
//! ```
//! use ciel_domain::ratelimit::policy::{ActionClass, IpAction};
//! use ciel_domain::ratelimit::{Limited, classify};
//!
//! // The pattern decides, whatever id the path carried.
//! assert_eq!(classify("POST", "/v1/users/{id}/follow"), Limited::User(ActionClass::Follow));
//! assert_eq!(classify("POST", "/v1/auth/login"), Limited::Ip(IpAction::Login));
//! assert_eq!(classify("GET", "/health"), Limited::Ip(IpAction::Health));
//! // Outside `/v1`, only the probes are limited.
//! assert_eq!(classify("GET", "/metrics"), Limited::None);
//! ```

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

/// One segment of a route pattern: a literal, or a `{parameter}` (any name, any regex).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Seg<'a> {
    Lit(&'a str),
    Param,
}

fn segments(pattern: &str) -> Vec<Seg<'_>> {
    pattern
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            if s.starts_with('{') && s.ends_with('}') {
                Seg::Param
            } else {
                Seg::Lit(s)
            }
        })
        .collect()
}

/// Classifies `method` on a matched route `pattern`: an actix pattern under `/v1` (such as
/// `/v1/users/{id}/follow`) or a root pattern (`/health`, `/ready`). Patterns outside `/v1`
/// other than the probes are not limited.
pub fn classify(method: &str, pattern: &str) -> Limited {
    use ActionClass as A;
    use Seg::{Lit, Param};
    let segs = segments(pattern);
    let api: &[Seg<'_>] = match segs.as_slice() {
        [Lit("v1"), rest @ ..] => rest,
        [Lit("health" | "ready")] if method == "GET" => return Limited::Ip(IpAction::Health),
        _ => return Limited::None,
    };
    match (method, api) {
        ("POST", [Lit("auth"), Lit("login")]) => Limited::Ip(IpAction::Login),
        ("POST", [Lit("auth"), Lit("refresh")]) => Limited::Ip(IpAction::AuthRefresh),
        ("POST", [Lit("auth"), Lit("revoke")]) => Limited::Ip(IpAction::AuthRevoke),
        ("POST", [Lit("users")]) => Limited::Ip(IpAction::Signup),
        ("POST", [Lit("account"), Lit("device"), Lit("register")]) => {
            Limited::Ip(IpAction::DeviceRegister)
        }
        ("GET", [Lit("invites"), Lit("validate"), Param]) => Limited::Ip(IpAction::InviteValidate),
        ("POST", [Lit("posts" | "stories")]) => Limited::User(A::Post),
        ("POST", [Lit("posts"), Param, Lit("like")]) => Limited::User(A::Like),
        ("POST", [Lit("stories"), Param, Lit("seen" | "reactions")]) => Limited::User(A::Like),
        ("POST", [Lit("posts"), Param, Lit("comment")]) => Limited::User(A::Comment),
        ("POST", [Lit("users"), Param, Lit("follow")]) => Limited::User(A::Follow),
        ("POST", [Lit("users"), Param, Lit("unfollow")]) => Limited::User(A::Unfollow),
        ("GET", [Lit("feed")] | [Lit("feed"), Lit("stories")]) => Limited::User(A::Feed),
        ("POST", [Lit("feed"), Lit("refresh")]) => Limited::User(A::Feed),
        (_, [Lit("notifications"), ..]) => Limited::User(A::Notifications),
        (_, [Lit("search"), ..]) => Limited::User(A::Search),
        ("GET", [Lit("media"), ..]) => Limited::User(A::MediaRead),
        ("POST" | "DELETE", [Lit("media"), ..]) => Limited::User(A::MediaUpload),
        (_, [Lit("moderation"), ..]) => Limited::User(A::Moderation),
        _ => Limited::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ActionClass as A;

    #[test]
    fn route_patterns_map_to_the_contract_classes() {
        let cases = [
            ("POST", "/v1/posts", Limited::User(A::Post)),
            ("POST", "/v1/stories", Limited::User(A::Post)),
            ("POST", "/v1/posts/{id}/like", Limited::User(A::Like)),
            ("POST", "/v1/posts/{post_id}/like", Limited::User(A::Like)),
            ("DELETE", "/v1/posts/{id}/like", Limited::None),
            ("POST", "/v1/stories/{id}/seen", Limited::User(A::Like)),
            ("POST", "/v1/stories/{id}/reactions", Limited::User(A::Like)),
            ("POST", "/v1/posts/{id}/comment", Limited::User(A::Comment)),
            ("GET", "/v1/posts/{id}/comments", Limited::None),
            ("POST", "/v1/users/{id}/follow", Limited::User(A::Follow)),
            (
                "POST",
                "/v1/users/{id}/unfollow",
                Limited::User(A::Unfollow),
            ),
            ("POST", "/v1/users/{id}/block", Limited::None),
            ("GET", "/v1/feed", Limited::User(A::Feed)),
            ("GET", "/v1/feed/stories", Limited::User(A::Feed)),
            ("POST", "/v1/feed/refresh", Limited::User(A::Feed)),
            ("GET", "/v1/notifications", Limited::User(A::Notifications)),
            (
                "POST",
                "/v1/notifications/{id}/read",
                Limited::User(A::Notifications),
            ),
            (
                "POST",
                "/v1/notifications/read-all",
                Limited::User(A::Notifications),
            ),
            ("GET", "/v1/search/users", Limited::User(A::Search)),
            ("GET", "/v1/search/posts", Limited::User(A::Search)),
            (
                "GET",
                "/v1/media/upload/{id}/status",
                Limited::User(A::MediaRead),
            ),
            ("GET", "/v1/media/{id}", Limited::User(A::MediaRead)),
            ("POST", "/v1/media/upload", Limited::User(A::MediaUpload)),
            (
                "POST",
                "/v1/media/upload/{id}/complete",
                Limited::User(A::MediaUpload),
            ),
            ("DELETE", "/v1/media/{id}", Limited::User(A::MediaUpload)),
            (
                "POST",
                "/v1/moderation/users/{id}/flag",
                Limited::User(A::Moderation),
            ),
            ("GET", "/v1/moderation/audit", Limited::User(A::Moderation)),
            ("POST", "/v1/auth/login", Limited::Ip(IpAction::Login)),
            (
                "POST",
                "/v1/auth/refresh",
                Limited::Ip(IpAction::AuthRefresh),
            ),
            ("POST", "/v1/auth/revoke", Limited::Ip(IpAction::AuthRevoke)),
            ("POST", "/v1/users", Limited::Ip(IpAction::Signup)),
            ("GET", "/health", Limited::Ip(IpAction::Health)),
            ("GET", "/ready", Limited::Ip(IpAction::Health)),
            ("POST", "/health", Limited::None),
            ("GET", "/metrics", Limited::None),
            (
                "POST",
                "/v1/account/device/register",
                Limited::Ip(IpAction::DeviceRegister),
            ),
            (
                "GET",
                "/v1/invites/validate/{code}",
                Limited::Ip(IpAction::InviteValidate),
            ),
            ("GET", "/v1/auth/login", Limited::None),
            ("GET", "/v1/auth/me", Limited::None),
            ("GET", "/v1/account/trust-score", Limited::None),
            ("POST", "/v1/invites", Limited::None),
            ("POST", "/v1/admin/invites", Limited::None),
            ("GET", "/v1/users/{id}", Limited::None),
            ("PATCH", "/v1/users/{id}", Limited::None),
            // Patterns outside `/v1` are not API routes.
            ("POST", "/auth/login", Limited::None),
            ("GET", "/feed", Limited::None),
        ];
        for (method, pattern, expected) in cases {
            assert_eq!(classify(method, pattern), expected, "{method} {pattern}");
        }
    }

    #[test]
    fn parameters_are_never_read_as_literals() {
        // A literal segment where the table expects a parameter (and the reverse) is no match.
        assert_eq!(classify("POST", "/v1/posts/like/like"), Limited::None);
        assert_eq!(classify("GET", "/v1/invites/validate"), Limited::None);
        assert_eq!(classify("POST", "/v1/users/{id}"), Limited::None);
        assert_eq!(
            classify("GET", "/v1/invites/validate/{code:[A-Z0-9]+}"),
            Limited::Ip(IpAction::InviteValidate)
        );
    }
}
