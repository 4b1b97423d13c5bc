//! The routes that serve the local-directory object store's signed URLs
//! (`PUT`/`GET /_local-objects/{key}`), mounted on the API server when `S3_ENDPOINT=file://…`.
//! They only translate: `ciel_media::LocalDirStore` checks signatures, expiry, type and length.

use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web};
use ciel_media::LocalDirStore;
use ciel_media::local::{LocalRequestError, ROUTE_PREFIX};
use std::sync::Arc;

/// The scope serving `store`'s signed URLs, accepting bodies up to `max_body` bytes.
pub fn routes(store: Arc<LocalDirStore>, max_body: usize) -> actix_web::Scope {
    web::scope(ROUTE_PREFIX)
        .app_data(web::Data::from(store))
        .app_data(web::PayloadConfig::new(max_body))
        .service(web::resource("/{key:.+}").put(put_object).get(get_object))
}

fn refusal(err: &LocalRequestError) -> HttpResponse {
    let (status, code) = match err {
        LocalRequestError::Signature(_)
        | LocalRequestError::ContentType
        | LocalRequestError::Length => (StatusCode::FORBIDDEN, "forbidden"),
        LocalRequestError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
        LocalRequestError::BadKey => (StatusCode::BAD_REQUEST, "bad_request"),
        LocalRequestError::Backend(cause) => {
            tracing::error!(error = %cause, "local object store failed");
            return HttpResponse::InternalServerError().json(serde_json::json!({
                "error": "internal_error",
                "message": "internal server error",
            }));
        }
    };
    HttpResponse::build(status).json(serde_json::json!({
        "error": code,
        "message": err.to_string(),
    }))
}

async fn put_object(
    store: web::Data<LocalDirStore>,
    req: HttpRequest,
    key: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    match store
        .signed_put(&key, req.query_string(), content_type, body.to_vec())
        .await
    {
        Ok(()) => HttpResponse::Ok().finish(),
        Err(err) => refusal(&err),
    }
}

async fn get_object(
    store: web::Data<LocalDirStore>,
    req: HttpRequest,
    key: web::Path<String>,
) -> HttpResponse {
    match store.signed_get(&key, req.query_string()).await {
        Ok(object) => HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, object.content_type))
            .insert_header((CACHE_CONTROL, object.cache_control))
            .body(object.bytes),
        Err(err) => refusal(&err),
    }
}
