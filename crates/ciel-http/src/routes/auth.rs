//! `/v1/auth/*`: login, refresh, revoke, me.

use crate::dto::auth::{LoginBody, RefreshBody, TokenPairDto};
use crate::dto::user::UserDto;
use crate::error::ApiError;
use crate::extract::{AuthUser, JsonBody};
use crate::state::HttpState;
use actix_web::{HttpResponse, web};

/// `POST /auth/login`.
pub async fn login(
    state: web::Data<HttpState>,
    body: JsonBody<LoginBody>,
) -> Result<HttpResponse, ApiError> {
    let pair = state.auth.login(&body.0.email, &body.0.password).await?;
    Ok(HttpResponse::Ok().json(TokenPairDto::from(pair)))
}

/// `POST /auth/refresh`.
pub async fn refresh(
    state: web::Data<HttpState>,
    body: JsonBody<RefreshBody>,
) -> Result<HttpResponse, ApiError> {
    let pair = state.auth.refresh(&body.0.refresh_token).await?;
    Ok(HttpResponse::Ok().json(TokenPairDto::from(pair)))
}

/// `POST /auth/revoke`: 204 for any non-blank token.
pub async fn revoke(
    state: web::Data<HttpState>,
    body: JsonBody<RefreshBody>,
) -> Result<HttpResponse, ApiError> {
    state.auth.revoke(&body.0.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /auth/me`.
pub async fn me(user: AuthUser, state: web::Data<HttpState>) -> Result<HttpResponse, ApiError> {
    let me = state.accounts.me(user.0).await?;
    let avatar = state.accounts.avatar_url(&me).await;
    Ok(HttpResponse::Ok().json(UserDto::new(me, avatar)))
}
