//! Admin and moderation routes: `POST /v1/admin/invites`, `GET /v1/moderation/audit`.

use crate::dto::PageDto;
use crate::dto::invite::{CreateInviteRequest, InviteCodeDto};
use crate::dto::moderation::ModerationActionDto;
use crate::error::ApiError;
use crate::extract::{AdminAuth, OptionalJson, PageParams};
use crate::state::HttpState;
use actix_web::{HttpResponse, web};

/// Creates an admin invite (no creator, `invite_type: "admin"`).
#[utoipa::path(
    post,
    path = "/v1/admin/invites",
    operation_id = "create_admin_invite",
    tag = "invites",
    security(("admin_token" = [])),
    request_body(content = Option<CreateInviteRequest>, description = "Optional: an empty body means `{}`"),
    responses(
        (status = 200, description = "A new admin code (no creator)", body = InviteCodeDto),
        (status = 400, description = "`days_valid must be between 1 and 365`"),
    ),
)]
pub async fn create_admin_invite(
    _: AdminAuth,
    state: web::Data<HttpState>,
    body: OptionalJson<CreateInviteRequest>,
) -> Result<HttpResponse, ApiError> {
    let invite = state.invites.create_admin_invite(body.0.days_valid).await?;
    Ok(HttpResponse::Ok().json(InviteCodeDto::from(invite)))
}

/// The moderation audit log, newest first.
#[utoipa::path(
    get,
    path = "/v1/moderation/audit",
    operation_id = "audit_log",
    tag = "moderation",
    security(("admin_token" = [])),
    params(crate::openapi::params::PageQuery),
    responses(
        (status = 200, description = "A page of the audit log, newest first", body = PageDto<ModerationActionDto>),
    ),
)]
pub async fn audit_log(
    _: AdminAuth,
    state: web::Data<HttpState>,
    page: PageParams,
) -> Result<HttpResponse, ApiError> {
    let page = state.moderation.audit_log(page.0).await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, ModerationActionDto::from)))
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(create_admin_invite, audit_log))]
pub(crate) struct Api;
