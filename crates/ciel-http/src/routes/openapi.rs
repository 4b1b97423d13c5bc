//! `GET /openapi.json`: the OpenAPI document of this build (rendered once, then reused).

use actix_web::HttpResponse;
use actix_web::http::header::ContentType;
use std::sync::LazyLock;

static DOCUMENT: LazyLock<String> = LazyLock::new(crate::openapi::document_json);

/// The OpenAPI 3.1 document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "openapi",
    tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", content_type = "application/json", body = Object)),
)]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(ContentType::json())
        .body(DOCUMENT.as_str())
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(openapi_json))]
pub(crate) struct Api;
