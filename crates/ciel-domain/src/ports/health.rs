//! The database probe port used by health and readiness checks.

use async_trait::async_trait;

/// A probe could not reach the database or read its state.
#[derive(Debug, thiserror::Error)]
#[error("database unavailable: {0}")]
pub struct ProbeError(pub String);

/// Answers "is the database up, and at which schema version?".
#[async_trait]
pub trait DatabaseProbe: Send + Sync + 'static {
    /// Runs a trivial query.
    async fn ping(&self) -> Result<(), ProbeError>;
    /// The newest applied migration version, or `None` on an empty database.
    async fn applied_schema_version(&self) -> Result<Option<String>, ProbeError>;
    /// The newest migration version this build embeds.
    fn expected_schema_version(&self) -> String;
}
