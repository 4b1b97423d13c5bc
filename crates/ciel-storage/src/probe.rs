//! The Postgres implementation of the `DatabaseProbe` port.

use crate::migrations::expected_schema_version;
use crate::pool::PgPool;
use async_trait::async_trait;
use ciel_domain::ports::{DatabaseProbe, ProbeError};
use diesel::IntoSql;
use diesel::sql_types::{Integer, Nullable, Text};
use diesel_async::RunQueryDsl;

/// Pings Postgres and reads the applied schema version through the pool.
#[derive(Clone)]
pub struct PgProbe {
    pool: PgPool,
}

impl PgProbe {
    /// A probe over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

#[derive(diesel::QueryableByName)]
struct Version {
    #[diesel(sql_type = Nullable<Text>)]
    version: Option<String>,
}

#[async_trait]
impl DatabaseProbe for PgProbe {
    async fn ping(&self) -> Result<(), ProbeError> {
        let mut conn = self
            .pool
            .get()
            .await
            .map_err(|e| ProbeError(e.to_string()))?;
        // A DSL query: prepared once per connection and reused (`sql_query` is re-parsed).
        diesel::select(1i32.into_sql::<Integer>())
            .get_result::<i32>(&mut conn)
            .await
            .map_err(|e| ProbeError(e.to_string()))?;
        Ok(())
    }

    async fn applied_schema_version(&self) -> Result<Option<String>, ProbeError> {
        let mut conn = self
            .pool
            .get()
            .await
            .map_err(|e| ProbeError(e.to_string()))?;
        // The table does not exist before the first migration: that is "no version", not an
        // error. A subquery naming a missing table fails at parse time, hence two queries.
        let exists: Vec<Version> =
            diesel::sql_query("SELECT to_regclass('__diesel_schema_migrations')::text AS version")
                .load(&mut conn)
                .await
                .map_err(|e| ProbeError(e.to_string()))?;
        if exists.into_iter().next().and_then(|r| r.version).is_none() {
            return Ok(None);
        }
        let rows: Vec<Version> =
            diesel::sql_query("SELECT max(version) AS version FROM __diesel_schema_migrations")
                .load(&mut conn)
                .await
                .map_err(|e| ProbeError(e.to_string()))?;
        Ok(rows.into_iter().next().and_then(|r| r.version))
    }

    fn expected_schema_version(&self) -> String {
        expected_schema_version()
    }
}
