//! Translation of diesel and pool errors into the domain's `RepoError`.

use ciel_domain::ports::RepoError;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// A query error as the port reports it: unique violations name their constraint.
pub(crate) fn repo_error(err: DieselError) -> RepoError {
    match err {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            RepoError::Conflict(info.constraint_name().unwrap_or("unique").to_owned())
        }
        DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
            RepoError::MissingReference(info.constraint_name().unwrap_or("foreign key").to_owned())
        }
        other => RepoError::Unavailable(other.to_string()),
    }
}

/// A pool error as the port reports it: a checkout that timed out is `Busy` (503 upstream),
/// a connection that could not be set up is `Unavailable`.
pub(crate) fn pool_error<E: std::fmt::Display>(err: bb8::RunError<E>) -> RepoError {
    match err {
        bb8::RunError::TimedOut => {
            RepoError::Busy("no database connection within the acquire timeout".into())
        }
        bb8::RunError::User(err) => RepoError::Unavailable(format!("database pool: {err}")),
    }
}
