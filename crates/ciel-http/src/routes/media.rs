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
async fn get(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view = state.media.media(caller.0, MediaId::from(*id)).await?;
    Ok(HttpResponse::Ok().json(MediaDto::from(view)))
}

/// `DELETE /media/:id`: 204.
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
