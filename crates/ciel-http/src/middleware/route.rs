//! What the router will match, known before it runs: the route pattern (e.g.
//! `/v1/users/{id}/follow`) found by resolving the request's path the way actix routes it
//! (percent-decoded with `/`, `%` and `+` kept encoded) against the application's resource
//! map. Rate limits and metric labels use it, so every spelling that reaches a handler is one
//! route, and a path that reaches none is `unmatched`.

use actix_web::dev::ServiceRequest;
use actix_web::http::Method;
use std::rc::Rc;

/// The matched route pattern, or `None` when no resource matches (request extension).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchedRoute(pub Option<Rc<str>>);

impl MatchedRoute {
    /// The metric label: the pattern, or `unmatched`.
    pub fn label(&self) -> &str {
        self.0.as_deref().unwrap_or("unmatched")
    }
}

/// Resolves the pattern the router will match for `req`. The router matches the decoded path
/// (`match_info`), not the raw one: `/v1/auth/%6Cogin` resolves to `/v1/auth/login`.
pub fn resolve(req: &ServiceRequest) -> MatchedRoute {
    let pattern = req.resource_map().match_pattern(req.match_info().as_str());
    MatchedRoute(pattern.map(Rc::from))
}

/// The method as a metric label from a closed set: standard methods by name, anything else
/// `other` (so arbitrary methods cannot create new series).
pub fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::PATCH), "PATCH");
        assert_eq!(method_label(&Method::from_bytes(b"FOO1").unwrap()), "other");
        assert_eq!(method_label(&Method::from_bytes(b"get").unwrap()), "other");
        assert_eq!(MatchedRoute(None).label(), "unmatched");
        assert_eq!(MatchedRoute(Some(Rc::from("/health"))).label(), "/health");
    }
}
