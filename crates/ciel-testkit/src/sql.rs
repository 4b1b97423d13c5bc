//! Reading single numbers back from a test database (row counts, sums), so tests can compare
//! what the API says with the rows themselves.

use crate::db::TestDb;
use diesel::sql_types::BigInt;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

#[derive(diesel::QueryableByName)]
struct Scalar {
    #[diesel(sql_type = BigInt)]
    v: i64,
}

impl TestDb {
    /// Evaluates `expression` (e.g. `SELECT count(*) FROM follows`) as a `bigint`; panics with
    /// the error on failure.
    pub async fn scalar(&self, expression: &str) -> i64 {
        let mut conn = AsyncPgConnection::establish(self.url())
            .await
            .unwrap_or_else(|e| panic!("connecting to {}: {e}", self.name()));
        diesel::sql_query(format!("SELECT ({expression})::bigint AS v"))
            .get_result::<Scalar>(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("scalar SQL failed: {e}\n{expression}"))
            .v
    }
}
