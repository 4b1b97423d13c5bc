//! `/v1/invites*`: validate, create, list, stats, revoke.

use crate::dto::invite::{CreateInviteRequest, InviteCodeDto};
use crate::dto::safety::InviteStatsDto;
use crate::error::ApiError;
use crate::extract::{AuthUser, OptionalJson};
use crate::state::HttpState;
use actix_web::{HttpResponse, web};
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = InviteValidity)]
struct Validity {
    is_valid: bool,
}

/// `GET /invites/validate/:code`: unknown codes are `false`, not 404.
#[utoipa::path(
    get,
    path = "/v1/invites/validate/{code}",
    operation_id = "validate_invite",
    tag = "invites",
    params(("code" = String, Path, description = "The invite code")),
    responses(
        (status = 200, description = "Whether the code can be used now (unknown codes are `false`)", body = Validity),
        (status = 429, description = "IP limit (`invite_validate`, 60 per hour)"),
    ),
)]
pub async fn validate(
    state: web::Data<HttpState>,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let is_valid = state.invites.validate(&code).await?;
    Ok(HttpResponse::Ok().json(Validity { is_valid }))
}

/// `POST /invites`.
#[utoipa::path(
    post,
    path = "/v1/invites",
    operation_id = "create_invite",
    tag = "invites",
    security(("bearer" = [])),
    request_body(content = Option<CreateInviteRequest>, description = "Optional: an empty body means `{}`"),
    responses(
        (status = 200, description = "A new standard code", body = InviteCodeDto),
        (status = 400, description = "`days_valid must be between 1 and 30`"),
        (status = 403, description = "`Maximum invite limit reached for your trust level (N)`"),
    ),
)]
pub async fn create(
    caller: AuthUser,
    state: web::Data<HttpState>,
    body: OptionalJson<CreateInviteRequest>,
) -> Result<HttpResponse, ApiError> {
    let invite = state
        .invites
        .create_user_invite(caller.0, body.0.days_valid)
        .await?;
    Ok(HttpResponse::Ok().json(InviteCodeDto::from(invite)))
}

/// `GET /invites`: a bare array, newest first, at most 50.
#[utoipa::path(
    get,
    path = "/v1/invites",
    operation_id = "list_invites",
    tag = "invites",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's codes, newest first, at most 50", body = Vec<InviteCodeDto>),
    ),
)]
pub async fn list(caller: AuthUser, state: web::Data<HttpState>) -> Result<HttpResponse, ApiError> {
    let invites: Vec<InviteCodeDto> = state
        .invites
        .list_mine(caller.0)
        .await?
        .into_iter()
        .map(InviteCodeDto::from)
        .collect();
    Ok(HttpResponse::Ok().json(invites))
}

/// `GET /invites/stats`.
#[utoipa::path(
    get,
    path = "/v1/invites/stats",
    operation_id = "invite_stats",
    tag = "invites",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's invite counters and quota", body = InviteStatsDto),
    ),
)]
pub async fn stats(
    caller: AuthUser,
    state: web::Data<HttpState>,
) -> Result<HttpResponse, ApiError> {
    let stats = state.invites.stats(caller.0).await?;
    Ok(HttpResponse::Ok().json(InviteStatsDto::from(stats)))
}

/// `POST /invites/:code/revoke`.
#[utoipa::path(
    post,
    path = "/v1/invites/{code}/revoke",
    operation_id = "revoke_invite",
    tag = "invites",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The invite code")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "`invite code not found or already used`"),
    ),
)]
pub async fn revoke(
    caller: AuthUser,
    state: web::Data<HttpState>,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    state.invites.revoke(caller.0, &code).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(validate, create, list, stats, revoke))]
pub(crate) struct Api;
