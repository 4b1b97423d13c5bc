//! JSON body extractors with the contract's rejections: [`JsonBody<T>`] requires a body;
//! [`OptionalJson<T>`] treats an empty body as `T::default()` (contract §1.2: endpoints whose
//! fields are all optional accept an empty body as `{}`).
//!
//! Both read the body themselves so that they can tell malformed JSON (400) from well-formed JSON
//! of the wrong shape (422) — serde_json alone reports some shape errors, like a too-long array,
//! as syntax errors.

use crate::error::ApiError;
use crate::extract::rejections::json_rejection;
use actix_web::dev::Payload;
use actix_web::error::JsonPayloadError;
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use serde::de::{DeserializeOwned, IgnoredAny};
use std::time::Duration;

/// A required JSON body.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

/// An optional JSON body: empty means `T::default()`.
#[derive(Debug)]
pub struct OptionalJson<T>(pub T);

fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|mime| {
            let mime = mime.trim().to_ascii_lowercase();
            mime == "application/json"
                || (mime.starts_with("application/") && mime.ends_with("+json"))
        })
        .unwrap_or(false)
}

/// Parses `body` as `T`: 400 when it is not JSON at all, 422 when it is JSON of the wrong shape.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|err| {
        if serde_json::from_slice::<IgnoredAny>(body).is_ok() {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("invalid request body: {}", strip_position(&err)),
            )
        } else {
            json_rejection(&JsonPayloadError::Deserialize(err))
        }
    })
}

fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// How long a JSON body may take to arrive once the handler asks for it. Bodies are small
/// (uploads go to storage through presigned URLs), so a body still arriving after this is a
/// client holding a handler open byte by byte: 408 and the connection is dropped.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Reads the body (bounded by the app's `PayloadConfig` and [`BODY_READ_TIMEOUT`]): `None`
/// when it is empty.
async fn read_body(
    req: HttpRequest,
    bytes: impl std::future::Future<Output = Result<web::Bytes, actix_web::Error>>,
) -> Result<Option<web::Bytes>, ApiError> {
    read_body_within(req, bytes, BODY_READ_TIMEOUT).await
}

async fn read_body_within(
    req: HttpRequest,
    bytes: impl std::future::Future<Output = Result<web::Bytes, actix_web::Error>>,
    deadline: Duration,
) -> Result<Option<web::Bytes>, ApiError> {
    let read = actix_web::rt::time::timeout(deadline, bytes)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "request body not received in time",
            )
        })?;
    let body = read.map_err(|e| {
        if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
            json_rejection(&JsonPayloadError::Overflow {
                limit: crate::BODY_LIMIT_BYTES,
            })
        } else {
            ApiError::bad_request("could not read request body")
        }
    })?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    if !is_json(&req) {
        return Err(json_rejection(&JsonPayloadError::ContentType));
    }
    Ok(Some(body))
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let bytes = web::Bytes::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            if !is_json(&req) {
                return Err(json_rejection(&JsonPayloadError::ContentType));
            }
            match read_body(req, bytes).await? {
                Some(body) => parse_json(&body).map(Self),
                None => Err(ApiError::bad_request("request body is required")),
            }
        })
    }
}

impl<T: DeserializeOwned + Default + 'static> FromRequest for OptionalJson<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let bytes = web::Bytes::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            match read_body(req, bytes).await? {
                Some(body) => parse_json(&body).map(Self),
                None => Ok(Self(T::default())),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Shape {
        days_valid: Option<i64>,
    }

    fn status(body: &str) -> u16 {
        parse_json::<Shape>(body.as_bytes())
            .unwrap_err()
            .status_code_u16()
    }

    #[test]
    fn syntax_is_400_and_shape_is_422() {
        assert_eq!(status("{\"days_valid\": "), 400);
        assert_eq!(status("not json"), 400);
        assert_eq!(status("{\"days_valid\": \"x\"}"), 422);
        assert_eq!(status("[1, 2, 3]"), 422);
        assert_eq!(status("1.5"), 422);
        assert!(parse_json::<Shape>(b"{\"days_valid\": 3, \"extra\": true}").is_ok());
    }

    #[actix_web::test]
    async fn a_body_that_never_finishes_is_408_at_the_deadline() {
        // Found from outside: `Content-Length: 100` sent one byte a second held a login
        // handler with no answer for over a minute.
        let req = actix_web::test::TestRequest::default().to_http_request();
        let never = std::future::pending::<Result<web::Bytes, actix_web::Error>>();
        let started = std::time::Instant::now();
        let err = read_body_within(req, never, std::time::Duration::from_millis(50))
            .await
            .unwrap_err();
        assert_eq!(err.status_code_u16(), 408);
        assert_eq!(err.message(), "request body not received in time");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
