//! The one table from errors to HTTP: status, `{"error": …, "message": …}` body, and headers.
//! 5xx bodies never carry internals; the cause is logged once, here.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use ciel_app::AppError;
use serde::Serialize;
use std::fmt;

/// The message every 500 answers with.
pub const INTERNAL_MESSAGE: &str = "internal server error";

/// An error on its way to the client.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    retry_after_secs: Option<u64>,
}

/// The contract's error body: the same text under `error` (older clients) and `message`
/// (shipped mobile clients).
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody<'a> {
    /// The human-readable message.
    pub error: &'a str,
    /// The same text.
    pub message: &'a str,
}

impl ApiError {
    /// An error with a status and a client-facing message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            retry_after_secs: None,
        }
    }

    /// 400 with `message`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 403 with `message`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    /// 404 with `message`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// 503 with `message` and a `Retry-After`.
    pub fn unavailable(message: impl Into<String>, retry_after_secs: u64) -> Self {
        Self {
            retry_after_secs: Some(retry_after_secs),
            ..Self::new(StatusCode::SERVICE_UNAVAILABLE, message)
        }
    }

    /// The status as a number.
    pub fn status_code_u16(&self) -> u16 {
        self.status.as_u16()
    }

    /// The client-facing message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = json_error_response(self.status, &self.message);
        if let Some(secs) = self.retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// Builds `{"error": message, "message": message}` with `status`.
pub fn json_error_response(status: StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(ErrorBody {
        error: message,
        message,
    })
}

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        match err {
            AppError::Invalid(m) => Self::new(StatusCode::BAD_REQUEST, m),
            AppError::Unauthenticated(m) => Self::new(StatusCode::UNAUTHORIZED, m),
            AppError::Forbidden(m) => Self::new(StatusCode::FORBIDDEN, m),
            AppError::NotFound(m) => Self::new(StatusCode::NOT_FOUND, m),
            AppError::Conflict(m) => Self::new(StatusCode::CONFLICT, m),
            AppError::Unavailable {
                message,
                retry_after_secs,
            } => Self::unavailable(message, retry_after_secs),
            AppError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, INTERNAL_MESSAGE)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_cause() {
        let api: ApiError = AppError::internal("relation \"users\" does not exist").into();
        assert_eq!(api.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(api.message(), INTERNAL_MESSAGE);
    }

    #[test]
    fn each_app_error_has_its_status() {
        let cases = [
            (AppError::Invalid("x".into()), 400),
            (AppError::Unauthenticated("x".into()), 401),
            (AppError::Forbidden("x".into()), 403),
            (AppError::NotFound("x".into()), 404),
            (AppError::Conflict("x".into()), 409),
            (
                AppError::Unavailable {
                    message: "x".into(),
                    retry_after_secs: 1,
                },
                503,
            ),
        ];
        for (err, status) in cases {
            assert_eq!(ApiError::from(err).status_code().as_u16(), status);
        }
    }
}
