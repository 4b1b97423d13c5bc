//! The error every use case returns. The HTTP layer maps each variant to a status in one table.

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

impl AppError {
    /// An internal error from any displayable cause.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }
}

impl From<ciel_domain::ports::RepoError> for AppError {
    /// A storage failure inside a use case is unexpected: 500, cause logged only.
    fn from(err: ciel_domain::ports::RepoError) -> Self {
        Self::internal(err)
    }
}
