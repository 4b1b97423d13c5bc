//! `/v1/moderation/*`: user reports (bearer) and admin takedowns.

use crate::dto::safety::{PostFlagDto, ReasonBody, UserFlagDto};
use crate::error::ApiError;
use crate::extract::{AdminAuth, AuthUser, MaybeUser, OptionalJson};
use crate::state::HttpState;
use actix_web::{HttpResponse, web};
use ciel_domain::{PostId, UserId};
use uuid::Uuid;

/// `POST /moderation/users/:id/flag`.
pub async fn flag_user(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
    body: OptionalJson<ReasonBody>,
) -> Result<HttpResponse, ApiError> {
    let flag = state
        .moderation
        .flag_user(caller.0, UserId::from(*id), body.0.reason.as_deref())
        .await?;
    Ok(HttpResponse::Ok().json(UserFlagDto::from(flag)))
}

/// `POST /moderation/posts/:id/flag`.
pub async fn flag_post(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
    body: OptionalJson<ReasonBody>,
) -> Result<HttpResponse, ApiError> {
    let flag = state
        .moderation
        .flag_post(caller.0, PostId::from(*id), body.0.reason.as_deref())
        .await?;
    Ok(HttpResponse::Ok().json(PostFlagDto::from(flag)))
}

/// `POST /moderation/posts/:id/takedown` (admin; a bearer user, if any, is the audit actor).
pub async fn take_down_post(
    _: AdminAuth,
    actor: MaybeUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
    body: OptionalJson<ReasonBody>,
) -> Result<HttpResponse, ApiError> {
    state
        .moderation
        .take_down_post(PostId::from(*id), actor.0, body.0.reason.as_deref())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /moderation/comments/:id/takedown` (admin).
pub async fn take_down_comment(
    _: AdminAuth,
    actor: MaybeUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
    body: OptionalJson<ReasonBody>,
) -> Result<HttpResponse, ApiError> {
    state
        .moderation
        .take_down_comment(*id, actor.0, body.0.reason.as_deref())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
