//! `/v1/invites*`: validate, create, list, stats, revoke.

use crate::dto::invite::{CreateInviteRequest, InviteCodeDto};
use crate::dto::safety::InviteStatsDto;
use crate::error::ApiError;
use crate::extract::{AuthUser, OptionalJson};
use crate::state::HttpState;
use actix_web::{HttpResponse, web};
use serde::Serialize;

#[derive(Serialize)]
struct Validity {
    is_valid: bool,
}

/// `GET /invites/validate/:code`: unknown codes are `false`, not 404.
pub async fn validate(
    state: web::Data<HttpState>,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let is_valid = state.invites.validate(&code).await?;
    Ok(HttpResponse::Ok().json(Validity { is_valid }))
}

/// `POST /invites`.
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
pub async fn stats(
    caller: AuthUser,
    state: web::Data<HttpState>,
) -> Result<HttpResponse, ApiError> {
    let stats = state.invites.stats(caller.0).await?;
    Ok(HttpResponse::Ok().json(InviteStatsDto::from(stats)))
}

/// `POST /invites/:code/revoke`.
pub async fn revoke(
    caller: AuthUser,
    state: web::Data<HttpState>,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    state.invites.revoke(caller.0, &code).await?;
    Ok(HttpResponse::NoContent().finish())
}
