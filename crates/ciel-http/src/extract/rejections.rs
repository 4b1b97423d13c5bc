//! Framework-level rejections in the contract's JSON shape (§1.3): bad JSON → 400, wrong or
//! missing content type → 415, well-formed JSON of the wrong shape → 422, body over the limit →
//! 413, unparsable query string or path parameter → 400.

use crate::error::ApiError;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};

/// JSON body extraction settings with contract-shaped errors.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(|err, _req: &HttpRequest| json_rejection(&err).into())
}

/// Maps a JSON extraction error to status and message.
pub fn json_rejection(err: &JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::ContentType => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json",
        ),
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "request body too large")
        }
        JsonPayloadError::Deserialize(e) if e.is_data() => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("invalid request body: {}", strip_position(e)),
        ),
        // Also covers shape errors serde_json reports as syntax; `JsonBody` tells them apart.
        JsonPayloadError::Deserialize(e) => {
            ApiError::bad_request(format!("malformed JSON: {}", strip_position(e)))
        }
        _ => ApiError::bad_request("could not read request body"),
    }
}

/// serde_json messages end with " at line L column C"; clients do not need it.
fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// Query string settings: anything that does not parse is a 400.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        let message = match &err {
            QueryPayloadError::Deserialize(e) => format!("invalid query string: {e}"),
            _ => "invalid query string".to_owned(),
        };
        ApiError::bad_request(message).into()
    })
}

/// Path parameter settings: a `:id` that is not a UUID is a 400.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _req| {
        let message = match &err {
            PathError::Deserialize(_) => "invalid id",
            _ => "invalid path",
        };
        ApiError::bad_request(message).into()
    })
}
