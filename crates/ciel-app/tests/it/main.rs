//! The use cases over the real Postgres unit of work: the rules that run inside one
//! transaction (sign-up, the invite quota, refresh rotation, device registration, reports and
//! takedowns, the scheduled jobs, the followee-head lock under concurrent follows and posts),
//! proven against real rows and real locks.

mod devices;
mod feed_heads;
mod jobs;
mod moderation;
mod sessions;
mod sign_up;
mod user_invites;

use chrono::Utc;
use ciel_domain::UserId;
use ciel_domain::accounts::{DisplayName, Email, Handle};
use ciel_domain::time::{Timestamp, to_db_precision};
use ciel_domain::users::NewAccount;
use ciel_storage::{PgPool, PgUnitOfWork, PoolSettings, connect_pool};
use ciel_testkit::TestDb;
use diesel::sql_types::BigInt;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use std::sync::Arc;

pub(crate) const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";

/// A fresh migrated database and a pool on it.
pub(crate) async fn setup() -> (TestDb, PgPool) {
    let db = TestDb::migrated().await;
    let pool = connect_pool(db.url(), &PoolSettings::default()).unwrap();
    (db, pool)
}

/// The unit of work over `pool`.
pub(crate) fn uow(pool: &PgPool) -> Arc<PgUnitOfWork> {
    Arc::new(PgUnitOfWork::new(pool.clone()))
}

/// Now, at the precision Postgres stores, so stored times compare equal.
pub(crate) fn now() -> Timestamp {
    to_db_precision(Utc::now())
}

/// A timestamp as an SQL literal.
pub(crate) fn lit(ts: Timestamp) -> String {
    format!("'{}'::timestamptz", ts.to_rfc3339())
}

/// A valid sign-up for `handle` (email `<handle>@example.com`).
pub(crate) fn account(handle: &str) -> NewAccount {
    account_with(handle, &format!("{handle}@example.com"))
}

/// A valid sign-up with the given handle and email.
pub(crate) fn account_with(handle: &str, email: &str) -> NewAccount {
    NewAccount {
        handle: Handle::parse(handle).unwrap(),
        email: Email::parse(email).unwrap(),
        display_name: DisplayName::parse(&handle.to_uppercase()).unwrap(),
        bio: None,
        avatar_key: None,
        password_hash: HASH.into(),
    }
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

/// Inserts an invite `code` (admin when `creator` is `None`) valid for a week.
pub(crate) async fn invite(db: &TestDb, code: &str, creator: Option<UserId>) {
    let (created_by, kind) = match creator {
        Some(id) => (format!("'{id}'"), "standard"),
        None => ("NULL".to_owned(), "admin"),
    };
    db.run_sql(&format!(
        "INSERT INTO invite_codes (code, created_by, invite_type, expires_at) \
         VALUES ('{code}', {created_by}, '{kind}', now() + interval '7 days')"
    ))
    .await;
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
