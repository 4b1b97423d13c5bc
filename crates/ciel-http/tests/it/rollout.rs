//! Rolling deploys: the previous binary's statements still run on the new schema.
//!
//! `tests/rollout/previous-statements.json` holds the SQL statements the previous build sends
//! on its hot paths, captured from `pg_stat_statements` while it served a workload
//! (`record_previous_statements`, run by hand with `--ignored` *before* adding a migration), and
//! the schema version that build expected. The check migrates a fresh database to that
//! version, prepares every statement (they must all prepare there: the recording is sound),
//! applies every later migration — what a rolling deploy does while old instances still serve
//! — and prepares them again: an expand step that breaks an old query (a dropped or renamed
//! column, table or function, a changed type) fails here.

use crate::media::{complete, images, poll_until, upload};
use ciel_testkit::{TestApp, TestDb, TestUser};
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;

const RECORDING: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/rollout/previous-statements.json"
);

#[derive(Serialize, Deserialize)]
struct Recording {
    /// The newest migration the recording build embedded.
    schema_version: String,
    /// Normalised statements (`$n` parameters), sorted.
    statements: Vec<String>,
}

/// The statements of `statements` that fail to prepare on `url`, with their errors.
async fn unpreparable(url: &str, statements: &[String]) -> Vec<String> {
    let mut conn = AsyncPgConnection::establish(url).await.expect("connect");
    let mut failed = Vec::new();
    for (n, sql) in statements.iter().enumerate() {
        let prepare = format!("PREPARE rollout_{n} AS {sql}");
        match conn.batch_execute(&prepare).await {
            Ok(()) => conn
                .batch_execute(&format!("DEALLOCATE rollout_{n}"))
                .await
                .expect("deallocate"),
            Err(e) => failed.push(format!("{e}: {sql}")),
        }
    }
    failed
}

#[tokio::test]
async fn the_previous_builds_statements_run_on_the_new_schema() {
    let recording: Recording =
        serde_json::from_str(&std::fs::read_to_string(RECORDING).expect("recording")).unwrap();
    let versions = ciel_storage::migrations::embedded_versions();
    assert!(
        versions.contains(&recording.schema_version),
        "the recording's schema {} is not an embedded migration",
        recording.schema_version
    );
    assert!(
        recording.statements.len() >= 40,
        "a recording of only {} statements covers too little",
        recording.statements.len()
    );

    let db = TestDb::empty().await;
    ciel_storage::migrations::run_up_to(db.url(), &recording.schema_version)
        .await
        .expect("migrate to the previous schema");
    let failed = unpreparable(db.url(), &recording.statements).await;
    assert!(
        failed.is_empty(),
        "unsound recording:\n{}",
        failed.join("\n")
    );

    let applied = ciel_storage::run_pending(db.url()).await.expect("migrate");
    assert_eq!(
        applied.versions.last().unwrap_or(&recording.schema_version),
        versions.last().unwrap()
    );
    let failed = unpreparable(db.url(), &recording.statements).await;
    assert!(
        failed.is_empty(),
        "the new migrations break statements of the previous build (expand/contract rule, \
         docs/ARCHITECTURE.md):\n{}",
        failed.join("\n")
    );
}

async fn ok(res: reqwest::Response, what: &str) -> serde_json::Value {
    let status = res.status();
    let text = res.text().await.unwrap();
    assert!(status.is_success(), "{what}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
}

async fn call(app: &TestApp, user: &TestUser, method: Method, path: &str) -> serde_json::Value {
    ok(app.as_user(user, method, path).send().await.unwrap(), path).await
}

async fn send(
    app: &TestApp,
    user: &TestUser,
    method: Method,
    path: &str,
    body: serde_json::Value,
) -> serde_json::Value {
    ok(
        app.as_user(user, method, path)
            .json(&body)
            .send()
            .await
            .unwrap(),
        path,
    )
    .await
}

/// The hot paths of every area: sign-up, login, refresh, profiles, follows, an upload through
/// the real media flow, posts, likes, comments, the feed (miss and hit), notifications,
/// stories, search, invites, and the outbox relay and media job in the background.
async fn workload(app: &TestApp) {
    let ann = app.user("rollann").await;
    let bob = app.user("rollbob").await;
    ok(
        app.post_json(
            "/v1/auth/refresh",
            &json!({"refresh_token": bob.refresh_token}),
        )
        .await,
        "refresh",
    )
    .await;
    call(app, &ann, Method::GET, "/v1/auth/me").await;
    call(app, &ann, Method::GET, &format!("/v1/users/{}", bob.id)).await;
    send(
        app,
        &ann,
        Method::PATCH,
        &format!("/v1/users/{}", ann.id),
        json!({"bio": "hi"}),
    )
    .await;
    call(
        app,
        &ann,
        Method::POST,
        &format!("/v1/users/{}/follow", bob.id),
    )
    .await;
    call(
        app,
        &ann,
        Method::GET,
        &format!("/v1/users/{}/relationship", bob.id),
    )
    .await;
    call(
        app,
        &ann,
        Method::GET,
        &format!("/v1/users/{}/followers", bob.id),
    )
    .await;

    let id = upload(app, &bob, ciel_testkit::images::png(64, 48), "image/png").await;
    assert_eq!(complete(app, &bob, &id).await.status(), 202);
    let done = poll_until(app, &bob, &id, "completed").await;
    let media = done["processed_media_id"]
        .as_str()
        .expect("media id")
        .to_owned();
    call(app, &bob, Method::GET, &format!("/v1/media/{media}")).await;
    let post = send(
        app,
        &bob,
        Method::POST,
        "/v1/posts",
        json!({"media_ids": [media], "caption": "c"}),
    )
    .await;
    let post_id = post["id"].as_str().unwrap().to_owned();
    call(app, &ann, Method::GET, &format!("/v1/posts/{post_id}")).await;
    call(
        app,
        &ann,
        Method::POST,
        &format!("/v1/posts/{post_id}/like"),
    )
    .await;
    send(
        app,
        &ann,
        Method::POST,
        &format!("/v1/posts/{post_id}/comment"),
        json!({"body": "nice"}),
    )
    .await;
    call(
        app,
        &ann,
        Method::GET,
        &format!("/v1/posts/{post_id}/comments"),
    )
    .await;
    call(
        app,
        &ann,
        Method::GET,
        &format!("/v1/posts/{post_id}/likes"),
    )
    .await;
    call(
        app,
        &ann,
        Method::GET,
        &format!("/v1/users/{}/posts", bob.id),
    )
    .await;
    call(app, &ann, Method::GET, "/v1/feed").await;
    call(app, &ann, Method::GET, "/v1/feed").await;
    call(app, &ann, Method::GET, "/v1/feed?limit=5").await;
    call(app, &bob, Method::GET, "/v1/notifications").await;
    // Through the API too (a fixture's SQL would be recorded as if the binary sent it).
    let second = upload(app, &bob, ciel_testkit::images::png(48, 64), "image/png").await;
    assert_eq!(complete(app, &bob, &second).await.status(), 202);
    let second = poll_until(app, &bob, &second, "completed").await;
    let story_media = second["processed_media_id"].as_str().expect("media id");
    let story = send(
        app,
        &bob,
        Method::POST,
        "/v1/stories",
        json!({"media_id": story_media, "caption": null, "visibility": "Public"}),
    )
    .await;
    if let Some(story_id) = story["id"].as_str() {
        call(app, &ann, Method::GET, &format!("/v1/stories/{story_id}")).await;
        call(
            app,
            &ann,
            Method::POST,
            &format!("/v1/stories/{story_id}/seen"),
        )
        .await;
    }
    call(app, &ann, Method::GET, "/v1/feed/stories").await;
    call(app, &ann, Method::GET, "/v1/search/users?q=rollbob").await;
    call(app, &ann, Method::GET, "/v1/search/posts?q=cc").await;
    call(app, &ann, Method::GET, "/v1/account/trust-score").await;
    call(app, &ann, Method::GET, "/v1/invites").await;
    call(
        app,
        &ann,
        Method::POST,
        &format!("/v1/users/{}/unfollow", bob.id),
    )
    .await;
}

/// Records `previous-statements.json` from this build. Run before adding a migration:
/// `cargo test -p ciel-http --test it rollout::record_previous_statements -- --ignored`.
#[tokio::test]
#[ignore = "records the statement list; run by hand before adding a migration"]
async fn record_previous_statements() {
    let app = TestApp::builder().media().images(images()).spawn().await;
    app.db
        .run_sql(
            "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset();",
        )
        .await;
    workload(&app).await;
    let mut conn = AsyncPgConnection::establish(app.db.url()).await.unwrap();
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        query: String,
    }
    let rows: Vec<Row> = diesel_async::RunQueryDsl::load(
        diesel::sql_query(
            "SELECT DISTINCT query FROM pg_stat_statements \
             WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) \
               AND query !~* 'pg_stat_statements|pg_catalog|pg_database|pg_advisory|to_regclass' \
               AND query ~* '^\\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\\M'",
        ),
        &mut conn,
    )
    .await
    .unwrap();
    let mut statements: Vec<String> = rows.into_iter().map(|r| r.query).collect();
    statements.sort();
    // Statements whose parameter types Postgres cannot infer on their own cannot be prepared
    // out of context; they are left out (and counted).
    let failed = unpreparable(app.db.url(), &statements).await;
    statements.retain(|s| !failed.iter().any(|f| f.ends_with(s.as_str())));
    eprintln!(
        "recorded {} statements ({} left out: parameter types not inferable)",
        statements.len(),
        failed.len()
    );
    let recording = Recording {
        schema_version: ciel_storage::expected_schema_version(),
        statements,
    };
    std::fs::write(
        RECORDING,
        serde_json::to_string_pretty(&recording).unwrap() + "\n",
    )
    .unwrap();
}
