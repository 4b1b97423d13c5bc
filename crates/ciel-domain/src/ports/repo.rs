//! The error every repository port returns.

/// A repository call failed.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// A uniqueness rule was broken; names the constraint.
    #[error("conflict on {0}")]
    Conflict(String),
    /// The storage is unreachable or failed.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
}
