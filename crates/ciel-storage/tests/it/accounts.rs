//! `PgAccountRepo` against real Postgres, and the fixtures the account tests share.

mod profile;

use chrono::Utc;
use ciel_domain::UserId;
use ciel_domain::time::{Timestamp, to_db_precision};
use ciel_storage::{PgPool, PoolSettings, connect_pool};
use ciel_testkit::TestDb;
use diesel::sql_types::BigInt;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

pub(crate) const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";

/// A fresh migrated database and a pool on it.
pub(crate) async fn setup() -> (TestDb, PgPool) {
    let db = TestDb::migrated().await;
    let pool = connect_pool(db.url(), &PoolSettings::default()).unwrap();
    (db, pool)
}

/// Now, at the precision Postgres stores, so stored times compare equal.
pub(crate) fn now() -> Timestamp {
    to_db_precision(Utc::now())
}

/// A timestamp as an SQL literal.
pub(crate) fn lit(ts: Timestamp) -> String {
    format!("'{}'::timestamptz", ts.to_rfc3339())
}

/// Inserts a user `handle` (email `<handle>@example.com`, password [`HASH`]) with a trust row.
pub(crate) async fn user(db: &TestDb, handle: &str) -> UserId {
    let id = UserId::generate();
    db.run_sql(&format!(
        "INSERT INTO users (id, handle, email, display_name, password_hash) \
         VALUES ('{id}', '{handle}', '{handle}@example.com', '{handle}', '{HASH}'); \
         INSERT INTO user_trust_scores (user_id) VALUES ('{id}');"
    ))
    .await;
    id
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Runs `SELECT count(*) FROM {from_where}` and returns the count.
pub(crate) async fn count(db: &TestDb, from_where: &str) -> i64 {
    let mut conn = AsyncPgConnection::establish(db.url()).await.unwrap();
    diesel::sql_query(format!("SELECT count(*) AS n FROM {from_where}"))
        .get_result::<Count>(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("count {from_where}: {e}"))
        .n
}
