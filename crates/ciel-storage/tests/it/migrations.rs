//! Every migration reverts (up → down → up), and concurrent runners apply each one once.

use ciel_domain::ports::DatabaseProbe;
use ciel_storage::migrations::embedded_versions;
use ciel_storage::{
    PgProbe, PoolSettings, connect_pool, expected_schema_version, revert_all, run_pending,
};
use ciel_testkit::TestDb;
use diesel::sql_types::BigInt;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn count(url: &str, sql: &str) -> i64 {
    let mut conn = AsyncPgConnection::establish(url).await.unwrap();
    diesel::sql_query(sql)
        .get_result::<Count>(&mut conn)
        .await
        .unwrap()
        .n
}

const OUR_TABLES: &str = "SELECT count(*) AS n FROM information_schema.tables \
     WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'";
const OUR_TYPES: &str = "SELECT count(*) AS n FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
     WHERE n.nspname = 'public' AND t.typtype = 'e'";
const OUR_FUNCTIONS: &str = "SELECT count(*) AS n FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
     WHERE n.nspname = 'public' AND p.proname IN ('update_account_ages', 'cleanup_expired_invites')";

#[tokio::test]
async fn every_migration_reverts_and_reapplies() {
    let db = TestDb::empty().await;
    let versions = embedded_versions();
    assert!(
        versions.len() >= 10,
        "the whole schema is migrated: {versions:?}"
    );

    let up = run_pending(db.url()).await.unwrap();
    assert_eq!(up.versions, versions);
    assert_eq!(
        count(db.url(), OUR_TABLES).await,
        27,
        "every table of CONTRACT §6 plus the outbox and the home timeline's two"
    );
    assert_eq!(count(db.url(), OUR_TYPES).await, 3);
    assert_eq!(count(db.url(), OUR_FUNCTIONS).await, 2);

    let pool = connect_pool(db.url(), &PoolSettings::default()).unwrap();
    let probe = PgProbe::new(pool.clone());
    assert_eq!(
        probe.applied_schema_version().await.unwrap(),
        Some(expected_schema_version())
    );
    drop(pool);

    let down = revert_all(db.url()).await.unwrap();
    let mut reversed = versions.clone();
    reversed.reverse();
    assert_eq!(down.versions, reversed);
    assert_eq!(
        count(db.url(), OUR_TABLES).await,
        0,
        "down leaves no table behind"
    );
    assert_eq!(
        count(db.url(), OUR_TYPES).await,
        0,
        "down leaves no enum behind"
    );
    assert_eq!(
        count(db.url(), OUR_FUNCTIONS).await,
        0,
        "down leaves no function behind"
    );

    let again = run_pending(db.url()).await.unwrap();
    assert_eq!(again.versions, versions);
    assert!(
        run_pending(db.url()).await.unwrap().versions.is_empty(),
        "nothing pending"
    );
}

#[tokio::test]
async fn concurrent_runners_apply_each_migration_once() {
    let db = TestDb::empty().await;
    let url = db.url().to_owned();
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { run_pending(&url).await })
        })
        .collect();
    let mut applied = Vec::new();
    for run in runs {
        applied.extend(run.await.unwrap().expect("no runner fails").versions);
    }
    applied.sort();
    assert_eq!(
        applied,
        embedded_versions(),
        "each version applied by exactly one runner"
    );
}

#[tokio::test]
async fn the_probe_reports_no_version_on_an_empty_database() {
    let db = TestDb::empty().await;
    let pool = connect_pool(db.url(), &PoolSettings::default()).unwrap();
    let probe = PgProbe::new(pool);
    probe.ping().await.unwrap();
    assert_eq!(probe.applied_schema_version().await.unwrap(), None);
}

#[tokio::test]
async fn database_functions_do_their_jobs() {
    let db = TestDb::migrated().await;
    db.run_sql(
        "INSERT INTO invite_codes (code, expires_at, is_valid) VALUES \
         ('OLDINVALID01', now() - interval '31 days', false), \
         ('NEWINVALID01', now() - interval '1 day', false), \
         ('OLDVALID0001', now() - interval '31 days', true)",
    )
    .await;
    db.run_sql("SELECT cleanup_expired_invites()").await;
    assert_eq!(
        count(db.url(), "SELECT count(*) AS n FROM invite_codes").await,
        2
    );

    db.run_sql(
        "INSERT INTO users (id, handle, email, display_name) VALUES \
         ('00000000-0000-4000-8000-0000000000aa', 'aged', 'aged@example.com', 'Aged'); \
         INSERT INTO user_trust_scores (user_id, created_at) VALUES \
         ('00000000-0000-4000-8000-0000000000aa', now() - interval '10 days 3 hours')",
    )
    .await;
    db.run_sql("SELECT update_account_ages()").await;
    assert_eq!(
        count(
            db.url(),
            "SELECT account_age_days::bigint AS n FROM user_trust_scores"
        )
        .await,
        10
    );
}
