//! The scheduled cleanup (`ciel_app::jobs::JobRunner`) over Postgres: a run with an injected
//! clock promotes week-old accounts, purges old stories and dead invites, repairs the wrong
//! followee heads of recent follows (the window by the injected clock); two runners elect one
//! executor per run; the loop stops at once on shutdown.

use crate::{count, lit, now, setup, uow, user};
use chrono::Duration;
use ciel_app::jobs::{CleanupJob, HEAD_REPAIR_WINDOW, JobObserver, JobRunner, RunOutcome};
use ciel_domain::UserId;
use ciel_domain::ports::{Clock, Tx, TxWork, UnitOfWork};
use ciel_domain::time::Timestamp;
use ciel_storage::PgPool;
use ciel_testkit::TestDb;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// A clock that says what the test says.
struct FixedClock(Timestamp);

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}

/// Counts what the runner reports, per step: (ran, failed).
#[derive(Default)]
struct Counts(Mutex<HashMap<CleanupJob, (u32, u32)>>);

impl JobObserver for Counts {
    fn ran(&self, job: CleanupJob) {
        self.0.lock().unwrap().entry(job).or_default().0 += 1;
    }
    fn failed(&self, job: CleanupJob) {
        self.0.lock().unwrap().entry(job).or_default().1 += 1;
    }
}

impl Counts {
    /// (ran, failed) of each step, in run order.
    fn of_each(&self) -> [(u32, u32); 6] {
        let map = self.0.lock().unwrap();
        CleanupJob::ALL.map(|job| map.get(&job).copied().unwrap_or_default())
    }
}

fn runner(pool: &PgPool, at: Timestamp) -> (JobRunner, Arc<Counts>) {
    let counts = Arc::new(Counts::default());
    let runner = JobRunner::new(uow(pool), Arc::new(FixedClock(at)), counts.clone());
    (runner, counts)
}

/// Sets trust fields of `user` with an SQL `SET` list.
async fn set_trust(db: &TestDb, user: UserId, set: &str) {
    db.run_sql(&format!(
        "UPDATE user_trust_scores SET {set} WHERE user_id = '{user}'"
    ))
    .await;
}

#[derive(diesel::QueryableByName)]
struct LevelAge {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    trust_level: i32,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    account_age_days: i32,
}

/// `(trust_level, account_age_days)` of `user`.
async fn level_and_age(db: &TestDb, user: UserId) -> (i32, i32) {
    let mut conn = AsyncPgConnection::establish(db.url()).await.unwrap();
    let row: LevelAge = diesel::sql_query(format!(
        "SELECT trust_level, account_age_days FROM user_trust_scores WHERE user_id = '{user}'"
    ))
    .get_result(&mut conn)
    .await
    .unwrap();
    (row.trust_level, row.account_age_days)
}

#[tokio::test]
async fn a_run_promotes_week_old_accounts_by_the_injected_clock_and_keeps_the_other_rules() {
    let (db, pool) = setup().await;
    // The injected clock is 5 days ahead of the database's: rows created 3 real days ago are
    // 8 days old for the run, so only the injected clock can promote them.
    let clock = now() + Duration::days(5);
    let created = lit(clock - Duration::days(8));
    let young_created = lit(clock - Duration::days(6));
    let [ready, young, poor, verified, struck] = [
        user(&db, "ready").await,
        user(&db, "young").await,
        user(&db, "poor").await,
        user(&db, "verified").await,
        user(&db, "struck").await,
    ];
    set_trust(
        &db,
        ready,
        &format!("created_at = {created}, posts_count = 5, trust_points = 20"),
    )
    .await;
    set_trust(
        &db,
        young,
        &format!("created_at = {young_created}, posts_count = 5, trust_points = 20"),
    )
    .await;
    set_trust(
        &db,
        poor,
        &format!("created_at = {created}, posts_count = 4, trust_points = 20"),
    )
    .await;
    set_trust(
        &db,
        verified,
        &format!("created_at = {created}, trust_level = 3"),
    )
    .await;
    set_trust(
        &db,
        struck,
        &format!("created_at = {created}, posts_count = 9, trust_points = 90, strikes = 3"),
    )
    .await;
    let (runner, counts) = runner(&pool, clock);

    let RunOutcome::Ran(report) = runner.run_once().await.unwrap() else {
        panic!("a lone runner executes its run");
    };

    assert_eq!(level_and_age(&db, ready).await, (1, 8), "promoted to Basic");
    assert_eq!(level_and_age(&db, young).await, (0, 6), "too young");
    assert_eq!(level_and_age(&db, poor).await, (0, 8), "too few posts");
    assert_eq!(
        level_and_age(&db, verified).await,
        (3, 8),
        "Verified is kept"
    );
    assert_eq!(
        level_and_age(&db, struck).await,
        (0, 8),
        "three strikes stay New"
    );
    assert_eq!((report.accounts_aged, report.levels_changed), (5, 1));
    assert!(report.failed.is_empty());
    assert_eq!(counts.of_each(), [(1, 0); 6]);
    let points = format!(
        "user_trust_scores WHERE user_id = '{ready}' AND trust_points = 20 AND posts_count = 5"
    );
    assert_eq!(
        count(&db, &points).await,
        1,
        "only the level and age changed"
    );

    // Idempotent: the same run again changes nothing.
    let RunOutcome::Ran(again) = runner.run_once().await.unwrap() else {
        panic!("ran");
    };
    assert_eq!((again.accounts_aged, again.levels_changed), (0, 0));
    assert_eq!(level_and_age(&db, ready).await, (1, 8));
}

#[tokio::test]
async fn stories_older_than_48_hours_past_expiry_and_dead_invites_are_purged() {
    let (db, pool) = setup().await;
    let clock = now();
    let ann = user(&db, "ann").await;
    let media = db.completed_media(&ann.to_string()).await;
    for (caption, expired) in [
        ("purged", clock - Duration::hours(49)),
        ("kept-47h", clock - Duration::hours(47)),
        ("kept-live", clock + Duration::hours(10)),
    ] {
        db.run_sql(&format!(
            "INSERT INTO stories (user_id, media_id, caption, expires_at) \
             VALUES ('{ann}', '{media}', '{caption}', {})",
            lit(expired)
        ))
        .await;
    }
    for (code, valid, expired) in [
        ("DEADINVITE01", false, clock - Duration::days(31)),
        ("RECENTDEAD01", false, clock - Duration::days(29)),
        ("VALIDOLD0001", true, clock - Duration::days(40)),
    ] {
        db.run_sql(&format!(
            "INSERT INTO invite_codes (code, is_valid, expires_at) VALUES ('{code}', {valid}, {})",
            lit(expired)
        ))
        .await;
    }
    let (runner, counts) = runner(&pool, clock);

    let RunOutcome::Ran(report) = runner.run_once().await.unwrap() else {
        panic!("ran");
    };

    assert_eq!((report.stories_purged, report.invites_deleted), (1, 1));
    assert_eq!(count(&db, "stories WHERE caption = 'purged'").await, 0);
    assert_eq!(count(&db, "stories").await, 2, "younger ones are kept");
    assert_eq!(
        count(&db, "invite_codes WHERE code = 'DEADINVITE01'").await,
        0
    );
    assert_eq!(count(&db, "invite_codes").await, 2);
    assert_eq!(counts.of_each(), [(1, 0); 6]);
}

#[tokio::test]
async fn uploads_stuck_for_15_minutes_are_enqueued_again_through_the_outbox() {
    let (db, pool) = setup().await;
    let clock = now();
    let ann = user(&db, "ann").await;
    let mut stale = Vec::new();
    for (status, uploaded, created, is_stale) in [
        (
            "uploaded",
            Some(clock - Duration::minutes(16)),
            clock - Duration::hours(1),
            true,
        ),
        ("processing", None, clock - Duration::minutes(20), true),
        (
            "uploaded",
            Some(clock - Duration::minutes(14)),
            clock - Duration::hours(1),
            false,
        ),
        ("pending", None, clock - Duration::days(3), false),
        (
            "completed",
            Some(clock - Duration::days(1)),
            clock - Duration::days(1),
            false,
        ),
        (
            "failed",
            Some(clock - Duration::days(1)),
            clock - Duration::days(1),
            false,
        ),
    ] {
        let id = uuid::Uuid::new_v4();
        let uploaded_at = uploaded.map_or_else(|| "NULL".to_owned(), lit);
        db.run_sql(&format!(
            "INSERT INTO media_uploads (id, owner_id, original_key, content_type, bytes, status, \
             uploaded_at, created_at) VALUES ('{id}', '{ann}', 'uploads/{ann}/{id}.png', \
             'image/png', 10, '{status}', {uploaded_at}, {})",
            lit(created)
        ))
        .await;
        if is_stale {
            stale.push(id);
        }
    }
    let (runner, counts) = runner(&pool, clock);
    let RunOutcome::Ran(report) = runner.run_once().await.unwrap() else {
        panic!("ran");
    };
    assert_eq!(report.uploads_requeued, 2);
    assert_eq!(count(&db, "job_outbox").await, 2);
    for id in stale {
        let row = format!(
            "job_outbox WHERE kind = 'media_job' AND payload->>'upload_id' = '{id}' \
             AND payload->>'owner_id' = '{ann}' AND payload->>'original_key' = 'uploads/{ann}/{id}.png'"
        );
        assert_eq!(count(&db, &row).await, 1, "{id}");
    }
    assert_eq!(counts.of_each()[3], (1, 0), "stale_uploads counted");
}

#[tokio::test]
async fn a_failing_step_is_counted_and_the_others_still_run() {
    let (db, pool) = setup().await;
    let clock = now();
    db.run_sql(&format!(
        "INSERT INTO invite_codes (code, is_valid, expires_at) VALUES ('DEADINVITE01', false, {})",
        lit(clock - Duration::days(31))
    ))
    .await;
    // Without its table the stories step cannot run.
    db.run_sql("DROP TABLE stories CASCADE").await;
    let (runner, counts) = runner(&pool, clock);

    let RunOutcome::Ran(report) = runner.run_once().await.unwrap() else {
        panic!("ran");
    };

    assert_eq!(report.failed, [CleanupJob::Stories]);
    assert_eq!(
        counts.of_each(),
        [(1, 1), (1, 0), (1, 0), (1, 0), (1, 0), (1, 0)]
    );
    assert_eq!(count(&db, "invite_codes").await, 0, "the invites step ran");
}

/// Advisory locks granted in the test's database.
async fn advisory_locks(db: &TestDb) -> i64 {
    count(
        db,
        "pg_locks WHERE locktype = 'advisory' AND granted \
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_two_runners_exactly_one_executes_a_run() {
    let (db, pool) = setup().await;
    let clock = now();
    let (first, first_counts) = runner(&pool, clock);
    let (second, second_counts) = runner(&pool, clock);
    // Hold the first run inside its first step: the stories table is locked by the test.
    let mut blocker = AsyncPgConnection::establish(db.url()).await.unwrap();
    diesel::sql_query("BEGIN")
        .execute(&mut blocker)
        .await
        .unwrap();
    diesel::sql_query("LOCK TABLE stories IN ACCESS EXCLUSIVE MODE")
        .execute(&mut blocker)
        .await
        .unwrap();
    let running = tokio::spawn(async move { first.run_once().await });
    // Bounded wait until the first runner holds the maintenance lock.
    let mut held = false;
    for _ in 0..200 {
        if advisory_locks(&db).await == 1 {
            held = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert!(held, "the first runner never took the maintenance lock");

    // Without the election the second runner would wait on the same table lock.
    let skipped = tokio::time::timeout(std::time::Duration::from_secs(5), second.run_once())
        .await
        .expect("the second runner does not wait for the first");
    assert_eq!(skipped.unwrap(), RunOutcome::Skipped);
    assert_eq!(
        second_counts.of_each(),
        [(0, 0); 6],
        "the second executed nothing"
    );

    diesel::sql_query("COMMIT")
        .execute(&mut blocker)
        .await
        .unwrap();
    let outcome = running.await.unwrap().unwrap();
    assert!(
        matches!(outcome, RunOutcome::Ran(ref r) if r.failed.is_empty()),
        "{outcome:?}"
    );
    assert_eq!(first_counts.of_each(), [(1, 0); 6]);
    assert_eq!(advisory_locks(&db).await, 0, "released with the run");

    // The lock is free again: the next run is the second runner's.
    assert!(matches!(
        second.run_once().await.unwrap(),
        RunOutcome::Ran(_)
    ));
    assert_eq!(second_counts.of_each(), [(1, 0); 6]);
}

#[tokio::test]
async fn the_loop_runs_at_start_and_stops_promptly_on_shutdown() {
    let (_db, pool) = setup().await;
    let (runner, counts) = runner(&pool, now());
    let (stop, stopped) = watch::channel(false);
    let looping = tokio::spawn(runner.run_until(std::time::Duration::from_secs(3600), stopped));
    // Bounded wait for the start-up run (until its last job is counted).
    for _ in 0..400 {
        if counts.of_each()[5].0 == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(counts.of_each(), [(1, 0); 6], "ran once at start");

    stop.send(true).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(2), looping)
        .await
        .expect("the loop stops at once, not after the hour")
        .unwrap();
    assert_eq!(counts.of_each(), [(1, 0); 6], "and runs no more");
}

/// The first page of `viewer`'s home feed (post ids) from the per-followee merge: the page the
/// stored heads decide (the materialised timeline answers most first pages without them).
async fn first_page(db: &TestDb, viewer: UserId, limit: i64) -> Vec<uuid::Uuid> {
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        post_id: uuid::Uuid,
    }
    let mut conn = AsyncPgConnection::establish(db.url()).await.unwrap();
    diesel::sql_query(format!(
        "SELECT post_id FROM home_feed_merge_keys('{viewer}', NULL, NULL, {limit})"
    ))
    .load::<Id>(&mut conn)
    .await
    .unwrap()
    .into_iter()
    .map(|r| r.post_id)
    .collect()
}

/// Whether the edge `follower → followee` stores exactly its followee's newest post time.
async fn head_is_exact(db: &TestDb, follower: UserId, followee: UserId) -> bool {
    count(
        db,
        &format!(
            "follows f WHERE f.follower_id = '{follower}' AND f.followee_id = '{followee}' \
             AND f.followee_head IS NOT DISTINCT FROM \
                 (SELECT max(p.created_at) FROM posts p WHERE p.owner_id = f.followee_id)"
        ),
    )
    .await
        == 1
}

#[tokio::test]
async fn a_run_repairs_wrong_heads_of_follows_in_the_window_of_the_injected_clock_only() {
    let (db, pool) = setup().await;
    // Ten days behind the database's clock: by the real clock every edge below is old, so
    // only the injected clock can put one in the window.
    let clock = now() - Duration::days(10);
    let [viewer, watcher, quiet, busy] = [
        user(&db, "viewer").await,
        user(&db, "watcher").await,
        user(&db, "quiet").await,
        user(&db, "busy").await,
    ];
    for (owner, hours) in [(quiet, 30), (quiet, 29), (busy, 5), (busy, 4), (busy, 3)] {
        db.run_sql(&format!(
            "INSERT INTO posts (owner_id, created_at) VALUES ('{owner}', {})",
            lit(clock - Duration::hours(hours))
        ))
        .await;
    }
    // `viewer → busy` lost its head to the race (the newest posts are missing from the first
    // page); `watcher → busy` is as wrong but older than the window; `viewer → quiet` is right.
    let inside = lit(clock - HEAD_REPAIR_WINDOW + Duration::minutes(5));
    let outside = lit(clock - HEAD_REPAIR_WINDOW - Duration::minutes(5));
    db.run_sql(&format!(
        "INSERT INTO follows (follower_id, followee_id) VALUES \
           ('{viewer}', '{quiet}'), ('{viewer}', '{busy}'), ('{watcher}', '{busy}'); \
         UPDATE follows SET created_at = {inside} WHERE follower_id = '{viewer}'; \
         UPDATE follows SET followee_head = NULL WHERE followee_id = '{busy}'; \
         UPDATE follows SET created_at = {outside} WHERE follower_id = '{watcher}';"
    ))
    .await;
    let before = first_page(&db, viewer, 2).await;
    assert_eq!(before.len(), 2);
    assert_eq!(
        count(
            &db,
            &format!(
                "posts WHERE owner_id = '{quiet}' AND id IN ('{}', '{}')",
                before[0], before[1]
            )
        )
        .await,
        2,
        "with busy's head lost, the first page shows quiet's older posts"
    );
    let (runner, counts) = runner(&pool, clock);

    let RunOutcome::Ran(report) = runner.run_once().await.unwrap() else {
        panic!("ran");
    };

    assert_eq!((report.heads_repaired, report.heads_skipped), (1, 0));
    assert_eq!(counts.of_each()[4], (1, 0), "feed_heads counted");
    assert_eq!(CleanupJob::ALL[4].label(), "feed_heads");
    assert!(head_is_exact(&db, viewer, busy).await);
    assert!(head_is_exact(&db, viewer, quiet).await);
    assert!(
        !head_is_exact(&db, watcher, busy).await,
        "the edge older than the window is untouched"
    );
    let after = first_page(&db, viewer, 3).await;
    let newest_busy = count(
        &db,
        &format!(
            "posts WHERE owner_id = '{busy}' AND id IN ('{}', '{}', '{}')",
            after[0], after[1], after[2]
        ),
    )
    .await;
    assert_eq!(
        newest_busy, 3,
        "busy's three posts are the newest: {after:?}"
    );
    assert_eq!(
        count(
            &db,
            &format!(
                "posts p WHERE p.id = '{}' AND p.created_at = {}",
                after[0],
                lit(clock - Duration::hours(3))
            )
        )
        .await,
        1,
        "newest first"
    );
}

/// The first `limit` keys of `viewer`'s feed as the store answers them (the timeline first).
async fn store_first_page(pool: &PgPool, viewer: UserId, limit: i64) -> Vec<uuid::Uuid> {
    let out: Arc<Mutex<Vec<uuid::Uuid>>> = Arc::default();
    let slot = out.clone();
    let work: TxWork = Box::new(move |tx: &mut dyn Tx| {
        Box::pin(async move {
            let rows = tx.home_feed_keys(viewer, None, limit).await?;
            *slot.lock().unwrap() = rows.iter().map(|p| p.id.as_uuid()).collect();
            Ok(())
        })
    });
    uow(pool).connection(work).await.unwrap();
    std::mem::take(&mut *out.lock().unwrap())
}

#[tokio::test]
async fn a_run_trims_each_home_timeline_to_the_rows_it_keeps_and_pages_do_not_change() {
    let (db, pool) = setup().await;
    let [viewer, author] = [user(&db, "viewer").await, user(&db, "author").await];
    // Followed first, then 130 posts: each is fanned out, so both timelines hold 130 rows.
    db.run_sql(&format!(
        "INSERT INTO follows (follower_id, followee_id) VALUES ('{viewer}', '{author}'); \
         INSERT INTO posts (owner_id, created_at) \
         SELECT '{author}', now() - g * interval '1 minute' FROM generate_series(1, 130) g"
    ))
    .await;
    let rows = |who: UserId| format!("home_timeline WHERE viewer_id = '{who}'");
    assert_eq!(count(&db, &rows(viewer)).await, 130);
    let before = store_first_page(&pool, viewer, 31).await;
    assert_eq!(before, first_page(&db, viewer, 31).await);
    let (runner, counts) = runner(&pool, now());

    let RunOutcome::Ran(report) = runner.run_once().await.unwrap() else {
        panic!("ran");
    };

    assert_eq!(
        report.timeline_rows_trimmed, 60,
        "30 beyond the 100 kept, twice"
    );
    assert_eq!(counts.of_each()[5], (1, 0), "home_timelines counted");
    assert_eq!(CleanupJob::ALL[5].label(), "home_timelines");
    assert_eq!(count(&db, &rows(viewer)).await, 100);
    assert_eq!(count(&db, &rows(author)).await, 100);
    assert_eq!(count(&db, "home_timeline_horizon").await, 2);
    // The first page is the same, and a page below what is kept comes from the merge.
    assert_eq!(store_first_page(&pool, viewer, 31).await, before);
    assert_eq!(
        store_first_page(&pool, viewer, 120).await,
        first_page(&db, viewer, 120).await
    );
    // Idempotent: nothing is left beyond what each keeps.
    let RunOutcome::Ran(again) = runner.run_once().await.unwrap() else {
        panic!("ran");
    };
    assert_eq!(again.timeline_rows_trimmed, 0);
}
