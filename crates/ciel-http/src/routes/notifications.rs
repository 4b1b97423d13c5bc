//! Routes for /v1/notifications (contract §2.8).

use crate::dto::PageDto;
use crate::dto::notification::NotificationDto;
use crate::error::ApiError;
use crate::extract::{AuthUser, PageParams};
use crate::state::HttpState;
use actix_web::{HttpResponse, web};
use ciel_domain::NotificationId;
use uuid::Uuid;

/// Registers this area's routes in the `/v1` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/notifications").get(list))
        .service(web::resource("/notifications/{id}/read").post(mark_read));
}

/// `GET /notifications`: the caller's notifications, newest first.
#[utoipa::path(
    get,
    path = "/v1/notifications",
    operation_id = "list_notifications",
    tag = "notifications",
    security(("bearer" = [])),
    params(crate::openapi::params::PageQuery),
    responses(
        (status = 200, description = "A page of the caller's notifications, newest first", body = PageDto<NotificationDto>),
    ),
)]
async fn list(
    caller: AuthUser,
    state: web::Data<HttpState>,
    page: PageParams,
) -> Result<HttpResponse, ApiError> {
    let page = state.notifications.list(caller.0, page.0).await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, NotificationDto::from)))
}

/// `POST /notifications/:id/read`: 204.
#[utoipa::path(
    post,
    path = "/v1/notifications/{id}/read",
    operation_id = "mark_notification_read",
    tag = "notifications",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The notification")),
    responses(
        (status = 204, description = "Marked read"),
        (status = 404, description = "`notification not found` (unknown, not the caller's, or already read)"),
    ),
)]
async fn mark_read(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state
        .notifications
        .mark_read(caller.0, NotificationId::from(*id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, mark_read))]
pub(crate) struct Api;
