//! The error every use case returns. The HTTP layer maps each variant to a status in one table.
//!
//! # Example
//!
//! ```
//! use ciel_app::AppError;
//! use ciel_app::error::DATABASE_BUSY;
//! use ciel_domain::ports::RepoError;
//!
//! // An exhausted pool is a 503 the client may retry; other storage failures are internal.
//! let busy = AppError::from(RepoError::Busy("acquire timed out".into()));
//! assert!(matches!(busy, AppError::Unavailable { retry_after_secs: 1, ref message } if message == DATABASE_BUSY));
//! let broken = AppError::internal("connection reset");
//! assert!(matches!(broken, AppError::Internal(_)));
//! // A 4xx message is shown to the client as it is.
//! assert_eq!(AppError::NotFound("post not found".into()).to_string(), "post not found");
//! ```

use ciel_domain::ports::RepoError;

/// Why a use case did not succeed. The message of a 4xx variant is shown to the client as is;
/// `Internal` carries a cause for the logs only, never for the client.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input breaks a rule (400).
    #[error("{0}")]
    Invalid(String),
    /// The caller is not authenticated, or their credentials are wrong (401).
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller is known but may not do this (403).
    #[error("{0}")]
    Forbidden(String),
    /// The thing does not exist or is not visible to the caller (404).
    #[error("{0}")]
    NotFound(String),
    /// The write conflicts with existing state (409).
    #[error("{0}")]
    Conflict(String),
    /// A dependency is saturated or down; the client may retry after the given seconds (503).
    #[error("{message}")]
    Unavailable {
        /// What to tell the client.
        message: String,
        /// Seconds to wait before retrying.
        retry_after_secs: u64,
    },
    /// Anything unexpected (500). The cause is logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

/// What a client is told when no database connection could be had in time.
pub const DATABASE_BUSY: &str = "database busy, please retry";

impl AppError {
    /// An internal error from any displayable cause — except a storage that is merely busy
    /// ([`RepoError::Busy`]: the pool had no connection within its acquire timeout), which is
    /// a 503 the client may retry.
    pub fn internal(cause: impl std::fmt::Display + 'static) -> Self {
        let any: &dyn std::any::Any = &cause;
        if let Some(RepoError::Busy(_)) = any.downcast_ref::<RepoError>() {
            return Self::database_busy();
        }
        Self::Internal(cause.to_string())
    }

    /// 503: the database pool is exhausted; retry after a second.
    pub fn database_busy() -> Self {
        Self::Unavailable {
            message: DATABASE_BUSY.into(),
            retry_after_secs: 1,
        }
    }
}

impl From<RepoError> for AppError {
    /// A storage failure inside a use case is unexpected (500, cause logged only), except a
    /// busy pool (503).
    fn from(err: RepoError) -> Self {
        Self::internal(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_pool_is_503_and_other_storage_failures_500() {
        let busy = AppError::from(RepoError::Busy("timeout".into()));
        assert!(matches!(
            busy,
            AppError::Unavailable { ref message, retry_after_secs: 1 } if message == DATABASE_BUSY
        ));
        let wrapped = AppError::internal(RepoError::Busy("timeout".into()));
        assert!(matches!(wrapped, AppError::Unavailable { .. }));
        let failed = AppError::from(RepoError::Unavailable("syntax".into()));
        assert!(matches!(failed, AppError::Internal(_)));
        assert!(matches!(AppError::internal("x"), AppError::Internal(_)));
    }
}
