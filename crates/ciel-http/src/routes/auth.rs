//! `/v1/auth/*`: login, refresh, revoke, me.

use crate::dto::auth::{LoginBody, RefreshBody, TokenPairDto};
use crate::dto::user::UserDto;
use crate::error::ApiError;
use crate::extract::{AuthUser, JsonBody};
use crate::state::HttpState;
use actix_web::{HttpResponse, web};

/// `POST /auth/login`.
#[utoipa::path(
    post,
    path = "/v1/auth/login",
    operation_id = "login",
    tag = "auth",
    request_body = LoginBody,
    responses(
        (status = 200, description = "A new token pair", body = TokenPairDto),
        (status = 400, description = "`email and password are required` (either blank); a password over 128 bytes"),
        (status = 401, description = "`invalid credentials`"),
        (status = 403, description = "`Your account has been temporarily suspended`"),
        (status = 429, description = "IP limit (`login`, 10 per hour)"),
    ),
)]
pub async fn login(
    state: web::Data<HttpState>,
    body: JsonBody<LoginBody>,
) -> Result<HttpResponse, ApiError> {
    let pair = state.auth.login(&body.0.email, &body.0.password).await?;
    Ok(HttpResponse::Ok().json(TokenPairDto::from(pair)))
}

/// `POST /auth/refresh`.
#[utoipa::path(
    post,
    path = "/v1/auth/refresh",
    operation_id = "refresh",
    tag = "auth",
    request_body = RefreshBody,
    responses(
        (status = 200, description = "A new access and refresh token; the old refresh token is spent", body = TokenPairDto),
        (status = 400, description = "`refresh_token is required`"),
        (status = 401, description = "`invalid refresh token` (a replayed token also ends every session of its user)"),
        (status = 403, description = "`Your account has been temporarily suspended`"),
        (status = 429, description = "IP limit (`auth_refresh`, 30 per hour)"),
    ),
)]
pub async fn refresh(
    state: web::Data<HttpState>,
    body: JsonBody<RefreshBody>,
) -> Result<HttpResponse, ApiError> {
    let pair = state.auth.refresh(&body.0.refresh_token).await?;
    Ok(HttpResponse::Ok().json(TokenPairDto::from(pair)))
}

/// `POST /auth/revoke`: 204 for any non-blank token.
#[utoipa::path(
    post,
    path = "/v1/auth/revoke",
    operation_id = "revoke",
    tag = "auth",
    request_body = RefreshBody,
    responses(
        (status = 204, description = "Revoked, also for unknown or already revoked tokens"),
        (status = 400, description = "`refresh_token is required`"),
        (status = 429, description = "IP limit (`auth_revoke`, 30 per hour)"),
    ),
)]
pub async fn revoke(
    state: web::Data<HttpState>,
    body: JsonBody<RefreshBody>,
) -> Result<HttpResponse, ApiError> {
    state.auth.revoke(&body.0.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /auth/me`.
#[utoipa::path(
    get,
    path = "/v1/auth/me",
    operation_id = "me",
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = UserDto),
        (status = 404, description = "`user not found`"),
    ),
)]
pub async fn me(user: AuthUser, state: web::Data<HttpState>) -> Result<HttpResponse, ApiError> {
    let me = state.accounts.me(user.0).await?;
    let avatar = state.accounts.avatar_url(&me).await;
    Ok(HttpResponse::Ok().json(UserDto::new(me, avatar)))
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(login, refresh, revoke, me))]
pub(crate) struct Api;
