//! Admin authorization: `x-admin-token` compared in constant time (contract §1.4).

use crate::error::ApiError;
use crate::state::HttpState;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};
use std::future::{Ready, ready};
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

impl FromRequest for AdminAuth {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let configured = req.app_data::<web::Data<HttpState>>().and_then(|s| {
            s.settings
                .admin_token
                .as_ref()
                .map(|t| t.expose_secret().to_owned())
        });
        let presented = req
            .headers()
            .get("x-admin-token")
            .map(|v| v.to_str().unwrap_or("\u{0}invalid"));
        ready(check_admin_token(configured.as_deref(), presented).map(|()| AdminAuth))
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
