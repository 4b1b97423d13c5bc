//! The stored followee heads under concurrency and their repair: a follow committed together
//! with a post (or with the deletion of the newest post) by the followee leaves the new edge's
//! head exact in both orders (the followee lock of the head triggers makes the second writer
//! wait for the first and then read its rows); `repair_followee_heads` walks the window in
//! batches, sets right only stale edges of that window, never waits for a held followee lock,
//! and the first feed page is right again afterwards.

use chrono::{DateTime, Duration, Utc};
use ciel_domain::UserId;
use ciel_domain::ports::{FollowEdgeKey, HeadRepairBatch, Tx, TxWork, UnitOfWork};
use ciel_storage::{PgUnitOfWork, PoolSettings, connect_pool};
use ciel_testkit::TestDb;
use diesel::sql_types::{BigInt, Nullable, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use std::sync::{Arc, Mutex};
use uuid::Uuid;

pub(crate) async fn user(db: &TestDb, handle: &str) -> Uuid {
    let id = Uuid::new_v4();
    db.run_sql(&format!(
        "INSERT INTO users (id, handle, email, display_name) \
         VALUES ('{id}', '{handle}', '{handle}@example.com', 'Name {handle}')"
    ))
    .await;
    id
}

pub(crate) fn lit(ts: DateTime<Utc>) -> String {
    format!("timestamptz '{}'", ts.to_rfc3339())
}

/// A fixed instant `secs` seconds after 2026-03-01.
pub(crate) fn at(secs: i64) -> DateTime<Utc> {
    "2026-03-01T00:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::seconds(secs)
}

pub(crate) async fn post(db: &TestDb, owner: Uuid, created: DateTime<Utc>) -> Uuid {
    let id = Uuid::new_v4();
    db.run_sql(&format!(
        "INSERT INTO posts (id, owner_id, created_at) VALUES ('{id}', '{owner}', {})",
        lit(created)
    ))
    .await;
    id
}

pub(crate) async fn connect(db: &TestDb) -> AsyncPgConnection {
    AsyncPgConnection::establish(db.url()).await.unwrap()
}

#[derive(diesel::QueryableByName)]
struct Head {
    #[diesel(sql_type = Nullable<Timestamptz>)]
    head: Option<DateTime<Utc>>,
}

/// The stored head of the edge `follower → followee`.
async fn head(db: &TestDb, follower: Uuid, followee: Uuid) -> Option<DateTime<Utc>> {
    diesel::sql_query(format!(
        "SELECT followee_head AS head FROM follows \
          WHERE follower_id = '{follower}' AND followee_id = '{followee}'"
    ))
    .get_result::<Head>(&mut connect(db).await)
    .await
    .unwrap()
    .head
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

pub(crate) async fn count(db: &TestDb, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .get_result::<Count>(&mut connect(db).await)
        .await
        .unwrap()
        .n
}

/// Edges whose stored head differs from the followee's newest post time.
async fn stale_heads(db: &TestDb) -> i64 {
    count(
        db,
        "SELECT count(*) AS n FROM follows f \
          WHERE f.followee_head IS DISTINCT FROM \
                (SELECT max(p.created_at) FROM posts p WHERE p.owner_id = f.followee_id)",
    )
    .await
}

/// Waits (bounded) until some session of the test's database waits for a lock of `locktype`
/// (`advisory`: the followee lock; `transactionid`: a row another transaction changed).
async fn someone_waits_for(db: &TestDb, locktype: &str) -> bool {
    for _ in 0..200 {
        let waiting = count(
            db,
            &format!(
                "SELECT count(*) AS n FROM pg_locks \
                  WHERE locktype = '{locktype}' AND NOT granted \
                    AND pid IN (SELECT pid FROM pg_stat_activity \
                                 WHERE datname = current_database())"
            ),
        )
        .await;
        if waiting > 0 {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    false
}

/// Runs `first` in an open transaction, then `second` in its own transaction on another
/// connection (which must wait for the first: the followee lock), then commits the first and
/// lets the second finish.
async fn interleave(db: &TestDb, first: String, second: String) {
    interleave_waiting_on(db, first, second, "advisory").await;
}

/// [`interleave`], where the second writer waits for a lock of `locktype`.
pub(crate) async fn interleave_waiting_on(
    db: &TestDb,
    first: String,
    second: String,
    locktype: &str,
) {
    let mut one = connect(db).await;
    one.batch_execute(&format!("BEGIN; {first}")).await.unwrap();
    let url = db.url().to_owned();
    let other = tokio::spawn(async move {
        let mut two = AsyncPgConnection::establish(&url).await.unwrap();
        two.batch_execute(&format!("BEGIN; {second}; COMMIT"))
            .await
            .unwrap();
    });
    assert!(
        someone_waits_for(db, locktype).await,
        "the second writer did not wait for the first one's {locktype} lock"
    );
    assert!(!other.is_finished());
    one.batch_execute("COMMIT").await.unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(10), other)
        .await
        .expect("the second writer finishes once the first commits")
        .unwrap();
}

pub(crate) fn follow_sql(follower: Uuid, followee: Uuid) -> String {
    format!("INSERT INTO follows (follower_id, followee_id) VALUES ('{follower}', '{followee}')")
}

pub(crate) fn post_sql(owner: Uuid, created: DateTime<Utc>) -> String {
    format!(
        "INSERT INTO posts (owner_id, created_at) VALUES ('{owner}', {})",
        lit(created)
    )
}

pub(crate) fn delete_sql(post: Uuid) -> String {
    format!("DELETE FROM posts WHERE id = '{post}'")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follow_and_a_post_of_its_followee_committed_together_leave_the_head_exact() {
    let db = TestDb::migrated().await;
    let (ann, bob, cy) = (
        user(&db, "ann").await,
        user(&db, "bob").await,
        user(&db, "cy").await,
    );
    post(&db, bob, at(10)).await;

    // The post first: the follow's trigger waits, then reads the post.
    interleave(&db, post_sql(bob, at(20)), follow_sql(ann, bob)).await;
    assert_eq!(head(&db, ann, bob).await, Some(at(20)));

    // The follow first: the post's trigger waits, then raises the new edge.
    interleave(&db, follow_sql(cy, bob), post_sql(bob, at(30))).await;
    assert_eq!(head(&db, cy, bob).await, Some(at(30)));
    assert_eq!(head(&db, ann, bob).await, Some(at(30)));
    assert_eq!(stale_heads(&db).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follow_and_the_deletion_of_the_newest_post_committed_together_leave_the_head_exact() {
    let db = TestDb::migrated().await;
    let (ann, bob, cy) = (
        user(&db, "ann").await,
        user(&db, "bob").await,
        user(&db, "cy").await,
    );
    post(&db, bob, at(10)).await;
    let newest = post(&db, bob, at(20)).await;
    let next = post(&db, bob, at(15)).await;

    // The deletion first: the follow's trigger waits, then no longer sees the deleted post.
    interleave(&db, delete_sql(newest), follow_sql(ann, bob)).await;
    assert_eq!(head(&db, ann, bob).await, Some(at(15)));

    // The follow first: the deletion's trigger waits, then recomputes the new edge's head.
    interleave(&db, follow_sql(cy, bob), delete_sql(next)).await;
    assert_eq!(head(&db, cy, bob).await, Some(at(10)));
    assert_eq!(stale_heads(&db).await, 0);
}

/// One repair batch through the unit of work.
async fn repair(
    uow: &PgUnitOfWork,
    since: DateTime<Utc>,
    after: Option<FollowEdgeKey>,
    limit: i64,
) -> HeadRepairBatch {
    let out: Arc<Mutex<Option<HeadRepairBatch>>> = Arc::default();
    let slot = out.clone();
    let work: TxWork = Box::new(move |tx: &mut dyn Tx| {
        Box::pin(async move {
            let batch = tx.repair_followee_heads(since, after, limit).await?;
            *slot.lock().unwrap() = Some(batch);
            Ok(())
        })
    });
    uow.transaction(work).await.unwrap();
    out.lock().unwrap().take().unwrap()
}

/// The first page of `viewer`'s home feed from the per-followee merge (post ids): the page the
/// heads decide (the materialised timeline answers most first pages without them, see
/// `home_timeline.rs`).
async fn first_page(db: &TestDb, viewer: Uuid, limit: i64) -> Vec<Uuid> {
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        post_id: Uuid,
    }
    diesel::sql_query(format!(
        "SELECT post_id FROM home_feed_merge_keys('{viewer}', NULL, NULL, {limit})"
    ))
    .load::<Id>(&mut connect(db).await)
    .await
    .unwrap()
    .into_iter()
    .map(|r| r.post_id)
    .collect()
}

/// The reference first page: posts of `authors`, newest first.
async fn reference_page(db: &TestDb, authors: &[Uuid], limit: i64) -> Vec<Uuid> {
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        id: Uuid,
    }
    let list = authors
        .iter()
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(", ");
    diesel::sql_query(format!(
        "SELECT id FROM posts WHERE owner_id IN ({list}) \
          ORDER BY created_at DESC, id DESC LIMIT {limit}"
    ))
    .load::<Id>(&mut connect(db).await)
    .await
    .unwrap()
    .into_iter()
    .map(|r| r.id)
    .collect()
}

/// Sets a follow's creation time and stored head by hand (the race's outcome, or a bypassed
/// trigger).
async fn set_edge(db: &TestDb, follower: Uuid, followee: Uuid, created: DateTime<Utc>, h: &str) {
    db.run_sql(&format!(
        "UPDATE follows SET created_at = {}, followee_head = {h} \
          WHERE follower_id = '{follower}' AND followee_id = '{followee}'",
        lit(created)
    ))
    .await;
}

#[tokio::test]
async fn the_repair_sets_stale_heads_of_the_window_right_batch_by_batch_and_leaves_older_edges() {
    let db = TestDb::migrated().await;
    let uow = PgUnitOfWork::new(connect_pool(db.url(), &PoolSettings::default()).unwrap());
    let viewer = user(&db, "viewer").await;
    let old_viewer = user(&db, "oldviewer").await;
    let mut authors = Vec::new();
    for (i, handle) in ["a1", "a2", "a3", "a4", "a5"].into_iter().enumerate() {
        let author = user(&db, handle).await;
        for k in 0..3 {
            post(&db, author, at(100 * i as i64 + 7 * k)).await;
        }
        db.run_sql(&follow_sql(viewer, author)).await;
        authors.push(author);
    }
    let quiet = user(&db, "quiet").await;
    db.run_sql(&follow_sql(viewer, quiet)).await;
    db.run_sql(&follow_sql(old_viewer, authors[4])).await;
    let since = at(10_000);
    // Every edge of `viewer` is in the window, one second apart; the old viewer's is before it.
    for (i, followee) in authors.iter().chain([&quiet]).enumerate() {
        set_edge(
            &db,
            viewer,
            *followee,
            since + Duration::seconds(i as i64),
            "followee_head",
        )
        .await;
    }
    set_edge(
        &db,
        old_viewer,
        authors[4],
        since - Duration::seconds(1),
        "NULL",
    )
    .await;
    assert_eq!(
        stale_heads(&db).await,
        1,
        "only the old edge is wrong so far"
    );
    // The races' outcomes: a missed post (head NULL, or older than the newest; a4's missing
    // head hides the newest posts from the first page), a head of a deleted post (newer than
    // the newest), and a head for a followee with no posts.
    set_edge(&db, viewer, authors[0], since, "NULL").await;
    set_edge(
        &db,
        viewer,
        authors[2],
        since + Duration::seconds(2),
        &lit(at(200)),
    )
    .await;
    set_edge(
        &db,
        viewer,
        authors[3],
        since + Duration::seconds(3),
        &lit(at(399)),
    )
    .await;
    set_edge(
        &db,
        viewer,
        authors[4],
        since + Duration::seconds(4),
        "NULL",
    )
    .await;
    set_edge(
        &db,
        viewer,
        quiet,
        since + Duration::seconds(5),
        &lit(at(1)),
    )
    .await;
    assert_eq!(stale_heads(&db).await, 6);
    let mut everyone = authors.clone();
    everyone.push(viewer);
    let reference = reference_page(&db, &everyone, 10).await;
    assert_ne!(
        first_page(&db, viewer, 10).await,
        reference,
        "the wrong heads do change the first page"
    );

    // Batches of two: six edges in the window → 2 + 2 + 2, then an empty batch ends the walk.
    let mut after = None;
    let mut walked = Vec::new();
    loop {
        let batch = repair(&uow, since, after, 2).await;
        assert_eq!(batch.skipped, 0);
        walked.push((batch.examined, batch.repaired));
        if batch.examined < 2 {
            assert_eq!(batch.last, None);
            break;
        }
        let last = batch.last.unwrap();
        assert!(after.is_none_or(|a: FollowEdgeKey| a.created_at < last.created_at));
        assert_eq!(last.follower, UserId::from(viewer));
        after = Some(last);
    }
    assert_eq!(walked, [(2, 1), (2, 2), (2, 2), (0, 0)]);

    assert_eq!(
        stale_heads(&db).await,
        1,
        "the edge before the window is left"
    );
    assert_eq!(head(&db, old_viewer, authors[4]).await, None);
    assert_eq!(head(&db, viewer, authors[0]).await, Some(at(14)));
    assert_eq!(head(&db, viewer, authors[2]).await, Some(at(214)));
    assert_eq!(head(&db, viewer, authors[3]).await, Some(at(314)));
    assert_eq!(head(&db, viewer, authors[4]).await, Some(at(414)));
    assert_eq!(head(&db, viewer, quiet).await, None, "no posts, no head");
    for limit in [1, 3, 10] {
        assert_eq!(
            first_page(&db, viewer, limit).await,
            reference_page(&db, &everyone, limit).await,
            "limit {limit}"
        );
    }
    // Idempotent: nothing left to do in the window.
    let again = repair(&uow, since, None, 100).await;
    assert_eq!((again.examined, again.repaired, again.skipped), (6, 0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_repair_skips_a_followee_whose_lock_is_held_without_waiting() {
    let db = TestDb::migrated().await;
    let uow = PgUnitOfWork::new(connect_pool(db.url(), &PoolSettings::default()).unwrap());
    let (ann, bob, cy) = (
        user(&db, "ann").await,
        user(&db, "bob").await,
        user(&db, "cy").await,
    );
    post(&db, bob, at(10)).await;
    post(&db, cy, at(20)).await;
    db.run_sql(&format!(
        "{}; {}",
        follow_sql(ann, bob),
        follow_sql(ann, cy)
    ))
    .await;
    db.run_sql("UPDATE follows SET followee_head = NULL").await;
    let since = Utc::now() - Duration::hours(1);

    // A writer of bob's posts holds bob's followee lock (an open transaction).
    let mut writer = connect(&db).await;
    writer
        .batch_execute(&format!("BEGIN; SELECT followee_head_lock('{bob}'::uuid)"))
        .await
        .unwrap();
    let batch = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        repair(&uow, since, None, 10),
    )
    .await
    .expect("the repair does not wait for a held followee lock");
    assert_eq!((batch.examined, batch.repaired, batch.skipped), (2, 1, 1));
    assert_eq!(head(&db, ann, cy).await, Some(at(20)));
    assert_eq!(head(&db, ann, bob).await, None, "skipped while locked");

    writer.batch_execute("COMMIT").await.unwrap();
    let batch = repair(&uow, since, None, 10).await;
    assert_eq!((batch.repaired, batch.skipped), (1, 0));
    assert_eq!(head(&db, ann, bob).await, Some(at(10)));
    assert_eq!(stale_heads(&db).await, 0);
}
