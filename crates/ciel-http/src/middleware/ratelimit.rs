//! Rate limiting at the edge (contract §4 with §0): classify the request by the route pattern
//! the router matches (see [`route`]), count it against the caller's
//! (or the client IP's) limits before the handler runs, and answer 429 with the true wait when
//! refused. A request that matches no route is not counted. A valid bearer token is verified
//! once here and reused by [`AuthUser`].
//!
//! [`AuthUser`]: crate::extract::AuthUser

use crate::error::json_error_response;
use crate::extract::auth::single_authorization;
use crate::middleware::client_ip::ClientIp;
use crate::middleware::route::{self, MatchedRoute};
use crate::state::HttpState;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};
use ciel_domain::UserId;
use ciel_domain::ports::Decision;
use ciel_domain::ratelimit::{Limited, classify};

/// A bearer user already verified by this middleware (request extension).
#[derive(Clone, Copy, Debug)]
pub struct Authenticated(pub UserId);

const LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
const REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");

fn set_limit_headers(headers: &mut HeaderMap, decision: &Decision) {
    headers.insert(LIMIT, HeaderValue::from(decision.limit));
    headers.insert(REMAINING, HeaderValue::from(decision.remaining));
}

fn too_many(req: ServiceRequest, decision: &Decision, message: &str) -> ServiceResponse<BoxBody> {
    let mut res = json_error_response(StatusCode::TOO_MANY_REQUESTS, message);
    let headers = res.headers_mut();
    headers.insert(LIMIT, HeaderValue::from(decision.limit));
    headers.insert(REMAINING, HeaderValue::from(0u32));
    // The true wait, in whole seconds, at least one.
    let secs = decision.retry_after.as_secs() + u64::from(decision.retry_after.subsec_nanos() > 0);
    headers.insert(RETRY_AFTER, HeaderValue::from(secs.max(1)));
    req.into_response(res)
}

/// The middleware; see the module docs.
pub async fn rate_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(state) = req.app_data::<web::Data<HttpState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if !state.settings.rate_limits_enabled {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let matched = req.extensions().get::<MatchedRoute>().cloned();
    let matched = matched.unwrap_or_else(|| route::resolve(&req));
    let limited = match &matched.0 {
        Some(pattern) => classify(req.method().as_str(), pattern),
        None => Limited::None,
    };
    match limited {
        Limited::None => Ok(next.call(req).await?.map_into_boxed_body()),
        Limited::Ip(action) => {
            let ip = req.extensions().get::<ClientIp>().map(|c| c.0);
            let Some(ip) = ip else {
                return Ok(next.call(req).await?.map_into_boxed_body());
            };
            let decision = state.ratelimits.check_ip(ip, action).await;
            if decision.fallback {
                state.metrics.rate_limit_fallback();
            }
            if !decision.allowed {
                state.metrics.rate_limit_rejected("ip", action.name());
                return Ok(too_many(
                    req,
                    &decision,
                    "Too many attempts from your IP address. Please try again later.",
                ));
            }
            Ok(next.call(req).await?.map_into_boxed_body())
        }
        Limited::User(class) => {
            // Only requests with a valid bearer token are user-limited.
            let token = single_authorization(req.headers())
                .ok()
                .flatten()
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(|t| t.trim().to_owned());
            let user = match token {
                Some(t) => state.auth.authenticate(&t).await.ok(),
                None => None,
            };
            let Some(user) = user else {
                return Ok(next.call(req).await?.map_into_boxed_body());
            };
            req.extensions_mut().insert(Authenticated(user));
            let decision = match state.ratelimits.check_user(user, class).await {
                Ok(d) => d,
                Err(err) => {
                    tracing::error!(error = %err, "rate limit check failed; request allowed");
                    return Ok(next.call(req).await?.map_into_boxed_body());
                }
            };
            if decision.fallback {
                state.metrics.rate_limit_fallback();
            }
            if !decision.allowed {
                state.metrics.rate_limit_rejected("user", class.name());
                let message = format!(
                    "Rate limit exceeded for action: {}. Please try again later.",
                    class.name()
                );
                return Ok(too_many(req, &decision, &message));
            }
            let mut res = next.call(req).await?.map_into_boxed_body();
            set_limit_headers(res.headers_mut(), &decision);
            Ok(res)
        }
    }
}
