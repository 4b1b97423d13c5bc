//! `/v1/moderation/*`: user reports (bearer) and admin takedowns.

use crate::dto::safety::{PostFlagDto, ReasonBody, UserFlagDto};
use crate::error::ApiError;
use crate::extract::{AdminAuth, AuthUser, MaybeUser, OptionalJson};
use crate::state::HttpState;
use actix_web::{HttpResponse, web};
use ciel_domain::{PostId, UserId};
use uuid::Uuid;

/// `POST /moderation/users/:id/flag`.
#[utoipa::path(
    post,
    path = "/v1/moderation/users/{id}/flag",
    operation_id = "flag_user",
    tag = "moderation",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The reported user")),
    request_body(content = Option<ReasonBody>, description = "Optional: an empty body means `{}`"),
    responses(
        (status = 200, description = "The report", body = UserFlagDto),
        (status = 400, description = "`cannot report yourself`"),
        (status = 404, description = "`user not found`"),
        (status = 409, description = "`you have already reported this user`"),
    ),
)]
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
#[utoipa::path(
    post,
    path = "/v1/moderation/posts/{id}/flag",
    operation_id = "flag_post",
    tag = "moderation",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The reported post")),
    request_body(content = Option<ReasonBody>, description = "Optional: an empty body means `{}`"),
    responses(
        (status = 200, description = "The report", body = PostFlagDto),
        (status = 400, description = "`cannot report your own post`"),
        (status = 404, description = "`post not found`"),
        (status = 409, description = "`you have already reported this post`"),
    ),
)]
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
#[utoipa::path(
    post,
    path = "/v1/moderation/posts/{id}/takedown",
    operation_id = "take_down_post",
    tag = "moderation",
    security(("admin_token" = []), ("admin_token" = [], "bearer" = [])),
    params(("id" = Uuid, Path, description = "The post")),
    request_body(content = Option<ReasonBody>, description = "Optional: an empty body means `{}`"),
    responses(
        (status = 204, description = "Deleted; the owner loses 25 trust points; a bearer user, if any, is the audit actor"),
        (status = 404, description = "`post not found`"),
    ),
)]
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
#[utoipa::path(
    post,
    path = "/v1/moderation/comments/{id}/takedown",
    operation_id = "take_down_comment",
    tag = "moderation",
    security(("admin_token" = []), ("admin_token" = [], "bearer" = [])),
    params(("id" = Uuid, Path, description = "The comment")),
    request_body(content = Option<ReasonBody>, description = "Optional: an empty body means `{}`"),
    responses(
        (status = 204, description = "Deleted; the author loses 25 trust points"),
        (status = 404, description = "`comment not found`"),
    ),
)]
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

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(flag_user, flag_post, take_down_post, take_down_comment))]
pub(crate) struct Api;
