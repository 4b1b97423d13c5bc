//! The database probe port used by health and readiness checks.
//!
//! # Example
//!
//! ```
//! use async_trait::async_trait;
//! use ciel_domain::ports::{DatabaseProbe, ProbeError};
//!
//! /// A database that is up, one migration behind this build.
//! struct Behind;
//!
//! #[async_trait]
//! impl DatabaseProbe for Behind {
//!     async fn ping(&self) -> Result<(), ProbeError> {
//!         Ok(())
//!     }
//!     async fn applied_schema_version(&self) -> Result<Option<String>, ProbeError> {
//!         Ok(Some("20261128000001".into()))
//!     }
//!     fn expected_schema_version(&self) -> String {
//!         "20261128000002".into()
//!     }
//! }
//!
//! futures_executor::block_on(async {
//!     let probe: &dyn DatabaseProbe = &Behind;
//!     probe.ping().await.unwrap();
//!     let applied = probe.applied_schema_version().await.unwrap().unwrap();
//!     assert!(applied < probe.expected_schema_version(), "not ready yet");
//! });
//! assert_eq!(ProbeError("refused".into()).to_string(), "database unavailable: refused");
//! ```

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
