//! The answer for routes that do not exist.

use crate::error::ApiError;
use actix_web::HttpResponse;

/// 404 `{"error":"not found"}` for any unknown path.
pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::not_found("not found"))
}
