//! Routes for /v1/media (contract §2.7).

use crate::dto::media::{MediaDto, UploadBody, UploadIntentDto, UploadStatusDto};
use crate::error::ApiError;
use crate::extract::{AuthUser, JsonBody};
use crate::state::HttpState;
use actix_web::{HttpResponse, web};
use ciel_domain::{MediaId, UploadId};
use uuid::Uuid;

/// Registers this area's routes in the `/v1` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/media/upload").post(create_upload))
        .service(web::resource("/media/upload/{id}/complete").post(complete))
        .service(web::resource("/media/upload/{id}/status").get(status))
        .service(web::resource("/media/{id}").get(get).delete(delete));
}

/// `POST /media/upload`: 200 UploadIntent.
#[utoipa::path(
    post,
    path = "/v1/media/upload",
    operation_id = "create_upload",
    tag = "media",
    security(("bearer" = [])),
    request_body = UploadBody,
    responses(
        (status = 200, description = "Where and how to PUT the bytes", body = UploadIntentDto),
        (status = 400, description = "`bytes must be greater than 0`, `upload exceeds max size` or `invalid upload request` (unsupported type)"),
    ),
)]
async fn create_upload(
    caller: AuthUser,
    state: web::Data<HttpState>,
    body: JsonBody<UploadBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let intent = state
        .media
        .create_upload(caller.0, &b.content_type, b.bytes)
        .await?;
    Ok(HttpResponse::Ok().json(UploadIntentDto::from(intent)))
}

/// `POST /media/upload/:id/complete`: 202, empty body.
#[utoipa::path(
    post,
    path = "/v1/media/upload/{id}/complete",
    operation_id = "complete_upload",
    tag = "media",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The upload")),
    responses(
        (status = 202, description = "Accepted: processing is queued (empty body)"),
        (status = 400, description = "`upload not found in storage`, `uploaded size does not match` or `uploaded content type does not match`"),
        (status = 404, description = "`upload not found` (unknown, not the caller's, or already processing or done)"),
    ),
)]
async fn complete(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state
        .media
        .complete_upload(caller.0, UploadId::from(*id))
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// `GET /media/upload/:id/status`: 200 UploadStatus.
#[utoipa::path(
    get,
    path = "/v1/media/upload/{id}/status",
    operation_id = "upload_status",
    tag = "media",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The upload")),
    responses(
        (status = 200, description = "The upload's state", body = UploadStatusDto),
        (status = 404, description = "`upload not found`"),
    ),
)]
async fn status(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let s = state
        .media
        .upload_status(caller.0, UploadId::from(*id))
        .await?;
    Ok(HttpResponse::Ok().json(UploadStatusDto::from(s)))
}

/// `GET /media/:id`: 200 Media with presigned URLs.
#[utoipa::path(
    get,
    path = "/v1/media/{id}",
    operation_id = "get_media",
    tag = "media",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The media")),
    responses(
        (status = 200, description = "The media with presigned URLs", body = MediaDto),
        (status = 404, description = "`media not found` (missing or not visible)"),
    ),
)]
async fn get(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view = state.media.media(caller.0, MediaId::from(*id)).await?;
    Ok(HttpResponse::Ok().json(MediaDto::from(view)))
}

/// `DELETE /media/:id`: 204.
#[utoipa::path(
    delete,
    path = "/v1/media/{id}",
    operation_id = "delete_media",
    tag = "media",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The caller's media")),
    responses(
        (status = 204, description = "Deleted with its objects"),
        (status = 404, description = "`media not found` (missing or not the owner)"),
        (status = 409, description = "`media is attached to a post or story and cannot be deleted`"),
    ),
)]
async fn delete(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state
        .media
        .delete_media(caller.0, MediaId::from(*id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(create_upload, complete, status, get, delete))]
pub(crate) struct Api;
