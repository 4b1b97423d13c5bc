//! `ciel-api migrate`: apply the embedded migrations and exit, for a container's migration job
//! (Kubernetes Job, compose one-shot service) where no `cargo xtask` exists.

use crate::config::Config;
use crate::wiring::{self, WiringError};
use secrecy::ExposeSecret;

/// Waits for Postgres (the start-up retries of every mode), applies pending migrations under the
/// advisory lock, and returns the versions this run applied (empty when already up to date).
pub async fn migrate(config: &Config) -> Result<Vec<String>, WiringError> {
    let pool = wiring::connect_database(&config.database, 0).await?;
    drop(pool);
    let report = ciel_storage::run_pending(config.database.url.expose_secret())
        .await
        .map_err(|e| WiringError::Migrations(e.to_string()))?;
    Ok(report.versions)
}

/// The schema version this build expects (`/ready` compares the database against it).
pub fn expected_schema_version() -> String {
    ciel_storage::expected_schema_version()
}
