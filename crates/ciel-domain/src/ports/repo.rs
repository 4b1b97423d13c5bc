//! The error every repository port returns.
//!
//! # Example
//!
//! Use cases match on the kind; the message names the constraint:
//!
//! ```
//! use ciel_domain::ports::RepoError;
//!
//! let err = RepoError::Conflict("users_handle_key".into());
//! assert_eq!(err.to_string(), "conflict on users_handle_key");
//! let busy = RepoError::Busy("pool timed out".into());
//! assert!(matches!(busy, RepoError::Busy(_)), "retry later: 503");
//! ```

/// A repository call failed.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// A uniqueness rule was broken; names the constraint.
    #[error("conflict on {0}")]
    Conflict(String),
    /// A row the write refers to is gone (a foreign key found no referent, e.g. the post was
    /// deleted concurrently); names the constraint.
    #[error("missing reference on {0}")]
    MissingReference(String),
    /// A row cannot be deleted because others still refer to it (a `RESTRICT` foreign key,
    /// e.g. media attached to a post or story); names the constraint.
    #[error("still referenced through {0}")]
    StillReferenced(String),
    /// The storage is unreachable or failed.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// No connection could be had within the acquire timeout (the pool is exhausted, or the
    /// database does not accept connections): a retry later may succeed.
    #[error("storage busy: {0}")]
    Busy(String),
}
