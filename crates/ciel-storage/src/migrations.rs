//! Embedded migrations, run under a Postgres advisory lock so that concurrent starts of many
//! instances apply each migration exactly once.

use crate::error::StorageError;
use diesel::connection::SimpleConnection;
use diesel::migration::MigrationSource;
use diesel::pg::Pg;
use diesel_async::AsyncPgConnection;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// Every migration of `migrations/`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

/// The advisory-lock key that serialises migration runs ("ciel" + "migr" in ASCII).
const MIGRATION_LOCK_KEY: i64 = 0x6369_656c_6d69_6772;

/// Pause between two tries of the migration lock.
const LOCK_RETRY: std::time::Duration = std::time::Duration::from_millis(50);

#[derive(diesel::QueryableByName)]
struct Locked {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    locked: bool,
}

/// Takes the session-level migration lock, *trying* it every 50 ms rather than waiting inside
/// one statement: a waiting statement holds a snapshot, and `CREATE INDEX CONCURRENTLY` (a
/// migration with `run_in_transaction = false`) waits for every older snapshot to end — so a
/// runner blocked in `pg_advisory_lock` and the runner building the index would wait for each
/// other (Postgres reports a deadlock). Between tries this runner holds no snapshot.
async fn take_migration_lock(conn: &mut AsyncPgConnection) -> Result<(), StorageError> {
    use diesel_async::RunQueryDsl;
    loop {
        let got = diesel::sql_query("SELECT pg_try_advisory_lock($1) AS locked")
            .bind::<diesel::sql_types::BigInt, _>(MIGRATION_LOCK_KEY)
            .get_result::<Locked>(conn)
            .await?;
        if got.locked {
            return Ok(());
        }
        tokio::time::sleep(LOCK_RETRY).await;
    }
}

type SyncPg = AsyncConnectionWrapper<AsyncPgConnection>;

/// What a migration run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MigrationReport {
    /// Versions applied (or reverted) by this run, in order.
    pub versions: Vec<String>,
}

/// The newest migration version this build embeds (what `/ready` expects to find applied).
pub fn expected_schema_version() -> String {
    embedded_versions().last().cloned().unwrap_or_default()
}

/// All embedded versions in apply order.
pub fn embedded_versions() -> Vec<String> {
    let mut versions: Vec<String> = MigrationSource::<Pg>::migrations(&MIGRATIONS)
        .map(|ms| ms.iter().map(|m| m.name().version().to_string()).collect())
        .unwrap_or_default();
    versions.sort();
    versions
}

/// Applies every pending migration, holding the advisory lock for the whole run.
pub async fn run_pending(database_url: &str) -> Result<MigrationReport, StorageError> {
    with_locked_connection(database_url, |conn| {
        let applied = conn
            .run_pending_migrations(MIGRATIONS)
            .map_err(|e| StorageError::Migration(e.to_string()))?;
        Ok(MigrationReport {
            versions: applied.iter().map(ToString::to_string).collect(),
        })
    })
    .await
}

/// Applies pending migrations up to and including `version` (the schema a given build
/// expects; used to set up an older schema in rollout tests).
pub async fn run_up_to(database_url: &str, version: &str) -> Result<MigrationReport, StorageError> {
    let target = version.to_owned();
    with_locked_connection(database_url, move |conn| {
        let pending = conn
            .pending_migrations(MIGRATIONS)
            .map_err(|e| StorageError::Migration(e.to_string()))?;
        let mut versions = Vec::new();
        for migration in pending {
            let v = migration.name().version().to_string();
            if v.as_str() > target.as_str() {
                break;
            }
            conn.run_migration(&*migration)
                .map_err(|e| StorageError::Migration(e.to_string()))?;
            versions.push(v);
        }
        Ok(MigrationReport { versions })
    })
    .await
}

/// Reverts the newest applied migration (a database one migration behind this build).
pub async fn revert_last(database_url: &str) -> Result<MigrationReport, StorageError> {
    with_locked_connection(database_url, |conn| {
        let reverted = conn
            .revert_last_migration(MIGRATIONS)
            .map_err(|e| StorageError::Migration(e.to_string()))?;
        Ok(MigrationReport {
            versions: vec![reverted.to_string()],
        })
    })
    .await
}

/// Reverts every applied migration, newest first (used by the reversibility test and
/// `cargo xtask migrate --revert-all`).
pub async fn revert_all(database_url: &str) -> Result<MigrationReport, StorageError> {
    with_locked_connection(database_url, |conn| {
        let reverted = conn
            .revert_all_migrations(MIGRATIONS)
            .map_err(|e| StorageError::Migration(e.to_string()))?;
        Ok(MigrationReport {
            versions: reverted.iter().map(ToString::to_string).collect(),
        })
    })
    .await
}

async fn with_locked_connection<T, F>(database_url: &str, work: F) -> Result<T, StorageError>
where
    T: Send + 'static,
    F: FnOnce(&mut SyncPg) -> Result<T, StorageError> + Send + 'static,
{
    let mut conn = crate::connect::establish(database_url).await?;
    take_migration_lock(&mut conn).await?;
    tokio::task::spawn_blocking(move || {
        let mut conn = SyncPg::from(conn);
        let result = work(&mut conn);
        let unlock =
            conn.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"));
        let value = result?;
        unlock?;
        Ok(value)
    })
    .await
    .map_err(|e| StorageError::Migration(format!("migration task failed: {e}")))?
}
