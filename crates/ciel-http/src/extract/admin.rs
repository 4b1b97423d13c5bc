//! Admin authorization: `x-admin-token` compared in constant time (contract §1.4). Wrong or
//! missing tokens are limited per client IP (`admin_token`, 10 per hour): a wrong token is
//! counted before it is answered (guesses sent at once get at most the limit of 403s), and once
//! an address has used its failures, every admin request from it is refused with 429 — the
//! right token too, so guessing learns nothing more.

use crate::error::{ApiError, json_error_response};
use crate::middleware::client_ip::ClientIp;
use crate::state::HttpState;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue, RETRY_AFTER};
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use ciel_domain::ports::Decision;
use ciel_domain::ratelimit::IpAction;
use futures_util::future::LocalBoxFuture;
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Proof that the request carries the admin token. A handler that takes it cannot run without.
#[derive(Clone, Copy, Debug)]
pub struct AdminAuth;

/// Compares two secrets in time independent of where they differ and of their lengths
/// (both sides are hashed to fixed-size digests first).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let da = Sha256::digest(a);
    let db = Sha256::digest(b);
    da.ct_eq(&db).into()
}

/// Checks a presented token against the configured one.
pub fn check_admin_token(
    configured: Option<&str>,
    presented: Option<&str>,
) -> Result<(), ApiError> {
    let configured = match configured {
        Some(t) if !t.is_empty() => t,
        _ => return Err(ApiError::forbidden("admin token not configured")),
    };
    let presented = presented.ok_or_else(|| ApiError::forbidden("missing admin token"))?;
    if constant_time_eq(configured.as_bytes(), presented.as_bytes()) {
        Ok(())
    } else {
        Err(ApiError::forbidden("invalid admin token"))
    }
}

/// The refusal once an address has used its failed attempts.
fn too_many(decision: &Decision) -> actix_web::Error {
    let retry_after = decision.retry_after;
    let mut res = json_error_response(
        StatusCode::TOO_MANY_REQUESTS,
        "Too many attempts from your IP address. Please try again later.",
    );
    let secs = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
    let headers = res.headers_mut();
    headers.insert(RETRY_AFTER, HeaderValue::from(secs.max(1)));
    headers.insert(
        HeaderName::from_static("x-ratelimit-limit"),
        HeaderValue::from(decision.limit),
    );
    headers.insert(
        HeaderName::from_static("x-ratelimit-remaining"),
        HeaderValue::from(0u32),
    );
    actix_web::error::InternalError::from_response("admin token attempts", res).into()
}

impl FromRequest for AdminAuth {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req
            .app_data::<web::Data<HttpState>>()
            .map(|d| d.get_ref().clone());
        let presented = req
            .headers()
            .get("x-admin-token")
            .map(|v| v.to_str().unwrap_or("\u{0}invalid").to_owned());
        let ip = req.extensions().get::<ClientIp>().map(|c| c.0);
        Box::pin(async move {
            let configured = state.as_ref().and_then(|s| {
                s.settings
                    .admin_token
                    .as_ref()
                    .map(|t| t.expose_secret().to_owned())
            });
            // Failures are limited only where there is a secret to guess.
            let limited = state
                .as_ref()
                .filter(|s| s.settings.rate_limits_enabled && configured.is_some())
                .zip(ip);
            let verdict = check_admin_token(configured.as_deref(), presented.as_deref());
            let Some((state, ip)) = limited else {
                return verdict.map(|()| AdminAuth).map_err(Into::into);
            };
            // A wrong token is counted atomically before it is answered, so guesses sent at
            // once get no more answers than the limit; a right one only looks. Once the
            // failures are used, both get the same 429.
            let decision = match verdict {
                Ok(()) => state.ratelimits.peek_ip(ip, IpAction::AdminToken).await,
                Err(_) => state.ratelimits.check_ip(ip, IpAction::AdminToken).await,
            };
            if !decision.allowed {
                state
                    .metrics
                    .rate_limit_rejected("ip", IpAction::AdminToken.name());
                return Err(too_many(&decision));
            }
            verdict.map(|()| AdminAuth).map_err(Into::into)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_token_rules() {
        let msg = |r: Result<(), ApiError>| r.unwrap_err().message().to_owned();
        assert_eq!(
            msg(check_admin_token(None, Some("x"))),
            "admin token not configured"
        );
        assert_eq!(
            msg(check_admin_token(Some(""), Some(""))),
            "admin token not configured"
        );
        assert_eq!(
            msg(check_admin_token(Some("s3cret"), None)),
            "missing admin token"
        );
        assert_eq!(
            msg(check_admin_token(Some("s3cret"), Some("s3cre"))),
            "invalid admin token"
        );
        assert!(check_admin_token(Some("s3cret"), Some("s3cret")).is_ok());
    }
}
