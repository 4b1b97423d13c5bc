//! Storage errors: what can go wrong talking to Postgres.

/// A storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// No connection could be taken from the pool in time.
    #[error("database pool: {0}")]
    Pool(String),
    /// The query failed.
    #[error("database query: {0}")]
    Query(#[from] diesel::result::Error),
    /// Connecting failed.
    #[error("database connection: {0}")]
    Connection(#[from] diesel::ConnectionError),
    /// Running or reverting migrations failed.
    #[error("migrations: {0}")]
    Migration(String),
}

impl<E: std::fmt::Display + std::fmt::Debug + std::error::Error + 'static> From<bb8::RunError<E>>
    for StorageError
{
    fn from(err: bb8::RunError<E>) -> Self {
        Self::Pool(err.to_string())
    }
}
