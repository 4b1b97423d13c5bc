//! The error every repository port returns.

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
