//! Bearer authentication in the type: a handler taking [`AuthUser`] cannot run without a valid
//! access token of an active user; [`MaybeUser`] reads the token when it validates and serves
//! anonymously otherwise (contract §1.4); [`BearerCaller`] leaves the account's active check
//! to a handler whose own read answers it.

use crate::error::ApiError;
use crate::middleware::ratelimit::Authenticated;
use crate::state::HttpState;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use ciel_app::auth::Bearer;
use ciel_domain::UserId;
use futures_util::future::LocalBoxFuture;

/// The authenticated caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuthUser(pub UserId);

/// The caller when a valid bearer token was sent; `None` otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaybeUser(pub Option<UserId>);

fn unauthorized(message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, message)
}

/// The token after `Bearer ` (case-sensitive prefix), or the contract's 401.
/// The one `Authorization` line of a request; `Err(())` when there are several (a proxy that
/// reads the last line and this server would otherwise see different callers).
pub(crate) fn single_authorization(headers: &HeaderMap) -> Result<Option<&HeaderValue>, ()> {
    let mut lines = headers.get_all(AUTHORIZATION);
    let first = lines.next();
    match lines.next() {
        Some(_) => Err(()),
        None => Ok(first),
    }
}

fn bearer_token(req: &HttpRequest) -> Result<String, ApiError> {
    let header = single_authorization(req.headers())
        .map_err(|()| unauthorized("invalid Authorization header"))?
        .ok_or_else(|| unauthorized("missing Authorization header"))?;
    let value = header
        .to_str()
        .map_err(|_| unauthorized("invalid Authorization header"))?;
    let token = value
        .strip_prefix("Bearer ")
        .ok_or_else(|| unauthorized("invalid Authorization header"))?;
    Ok(token.trim().to_owned())
}

/// The caller behind the request's bearer token, with the account's active check still open
/// unless the rate limiter already authenticated (and checked) it for a user-limited route.
fn identify(req: &HttpRequest) -> Result<Bearer, ApiError> {
    if let Some(done) = req.extensions().get::<Authenticated>() {
        return Ok(Bearer::confirmed(done.0));
    }
    let token = bearer_token(req)?;
    let state = req
        .app_data::<web::Data<HttpState>>()
        .ok_or_else(|| ApiError::from(ciel_app::AppError::internal("state missing")))?;
    Ok(state.auth.identify(&token)?)
}

/// The caller behind the request's bearer token, its account checked active.
async fn authenticate(req: HttpRequest) -> Result<UserId, ApiError> {
    Ok(identify(&req)?.confirm().await?)
}

/// The caller behind a valid bearer token, with the account's active check possibly still
/// open (see [`ciel_app::auth::Bearer`]): for a handler whose own read answers that check. A
/// token that does not verify, or an account the gate knows is inactive, gets the 401 here.
#[derive(Clone, Debug)]
pub struct BearerCaller(pub Bearer);

impl FromRequest for BearerCaller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let caller = identify(req).map(BearerCaller);
        Box::pin(async move { caller })
    }
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(req).await.map(AuthUser) })
    }
}

impl FromRequest for MaybeUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            if !req.headers().contains_key(AUTHORIZATION) {
                return Ok(MaybeUser(None));
            }
            match authenticate(req).await {
                Ok(user) => Ok(MaybeUser(Some(user))),
                // A broken database is still an error; a bad token is just anonymous.
                Err(e) if e.status_code_u16() >= 500 => Err(e),
                Err(_) => Ok(MaybeUser(None)),
            }
        })
    }
}
