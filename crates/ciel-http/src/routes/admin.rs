//! Admin and moderation routes: `POST /v1/admin/invites`, `GET /v1/moderation/audit`.

use crate::dto::PageDto;
use crate::dto::invite::{CreateInviteRequest, InviteCodeDto};
use crate::dto::moderation::ModerationActionDto;
use crate::error::ApiError;
use crate::extract::{AdminAuth, OptionalJson, PageParams};
use crate::state::HttpState;
use actix_web::{HttpResponse, web};

/// Creates an admin invite (no creator, `invite_type: "admin"`).
pub async fn create_admin_invite(
    _: AdminAuth,
    state: web::Data<HttpState>,
    body: OptionalJson<CreateInviteRequest>,
) -> Result<HttpResponse, ApiError> {
    let invite = state.invites.create_admin_invite(body.0.days_valid).await?;
    Ok(HttpResponse::Ok().json(InviteCodeDto::from(invite)))
}

/// The moderation audit log, newest first.
pub async fn audit_log(
    _: AdminAuth,
    state: web::Data<HttpState>,
    page: PageParams,
) -> Result<HttpResponse, ApiError> {
    let page = state.moderation.audit_log(page.0).await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, ModerationActionDto::from)))
}
