//! The security headers every response carries (contract §1.1).

use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};

/// `X-Ciel-Served-By`.
pub const SERVED_BY: HeaderName = HeaderName::from_static("x-ciel-served-by");

/// Adds the fixed security headers, a default `Cache-Control`, HSTS unless the host is local,
/// and `X-Ciel-Served-By`.
pub fn apply(headers: &mut HeaderMap, local_host: bool, served_by: &HeaderValue) {
    let fixed = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_XSS_PROTECTION, "1; mode=block"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'",
        ),
        (header::REFERRER_POLICY, "no-referrer"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store, no-cache, must-revalidate"),
        );
    }
    if !local_host {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    headers.insert(SERVED_BY, served_by.clone());
}
