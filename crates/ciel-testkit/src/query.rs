//! Reading a number back from a test's database, for assertions on rows the API does not show
//! (notifications, likes rows behind a counter).

use crate::db::TestDb;
use diesel::QueryableByName;
use diesel::sql_types::BigInt;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

impl TestDb {
    /// Runs `sql`, which must return one `bigint` column named `n` (e.g.
    /// `SELECT count(*) AS n FROM likes`), and returns it; panics with the error on failure.
    pub async fn count(&self, sql: &str) -> i64 {
        let mut conn = AsyncPgConnection::establish(self.url())
            .await
            .unwrap_or_else(|e| panic!("connecting to {}: {e}", self.name()));
        diesel::sql_query(sql)
            .get_result::<Count>(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("count query failed: {e}\n{sql}"))
            .n
    }
}
