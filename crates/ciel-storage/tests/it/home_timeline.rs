//! The materialised home timeline (migration `2026-12-02-000400_home_timeline`): after every
//! kind of change — posts, deletions, follows, unfollows, blocks, soft-deleted authors, trims —
//! each viewer's timeline holds every post of the viewer and of its followees newer than its
//! horizon and nothing else, and every page the store answers equals the per-followee merge;
//! a follow copies at most `timeline_keep()` posts and raises the horizon; writers racing on one
//! followee (post against follow, post against unfollow, deletion against follow) leave the
//! timelines exact in both orders.

use super::feed_heads::{
    at, connect, count, delete_sql, follow_sql, interleave_waiting_on, lit, post, post_sql, user,
};
use chrono::{DateTime, Utc};
use ciel_domain::ports::{Tx, TxWork, UnitOfWork};
use ciel_domain::{Cursor, UserId};
use ciel_storage::{PgUnitOfWork, PoolSettings, connect_pool};
use ciel_testkit::TestDb;
use diesel::sql_types::{Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// Posts a viewer should see above its horizon but whose timeline row is missing.
async fn missing_rows(db: &TestDb) -> i64 {
    count(
        db,
        "SELECT count(*) AS n FROM users v \
           JOIN posts p ON p.owner_id = v.id \
                        OR EXISTS (SELECT 1 FROM follows f \
                                    WHERE f.follower_id = v.id AND f.followee_id = p.owner_id) \
          WHERE p.created_at > coalesce((SELECT h.horizon FROM home_timeline_horizon h \
                                          WHERE h.viewer_id = v.id), '-infinity') \
            AND NOT EXISTS (SELECT 1 FROM home_timeline t \
                             WHERE t.viewer_id = v.id AND t.post_id = p.id \
                               AND t.created_at = p.created_at AND t.author_id = p.owner_id)",
    )
    .await
}

/// Timeline rows of a post that is gone or of an author the viewer no longer follows.
async fn stale_rows(db: &TestDb) -> i64 {
    count(
        db,
        "SELECT count(*) AS n FROM home_timeline t \
          WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = t.post_id \
                               AND p.created_at = t.created_at AND p.owner_id = t.author_id) \
             OR (t.author_id <> t.viewer_id \
                 AND NOT EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = t.viewer_id \
                                    AND f.followee_id = t.author_id))",
    )
    .await
}

async fn assert_timelines_exact(db: &TestDb, when: &str) {
    assert_eq!(missing_rows(db).await, 0, "missing timeline rows {when}");
    assert_eq!(stale_rows(db).await, 0, "stale timeline rows {when}");
}

/// A page's keys: `(id, created_at)` in page order.
type Keys = Vec<(Uuid, DateTime<Utc>)>;

#[derive(diesel::QueryableByName)]
struct Key {
    #[diesel(sql_type = SqlUuid)]
    post_id: Uuid,
    #[diesel(sql_type = Timestamptz)]
    post_created_at: DateTime<Utc>,
}

/// Every page of `viewer`'s feed through the store, `fetch` keys per read (one of them the
/// look-ahead), as `(id, created_at)` in order.
async fn pages_from_store(uow: &PgUnitOfWork, viewer: Uuid, fetch: i64) -> Keys {
    let mut all = Vec::new();
    let mut after: Option<Cursor> = None;
    loop {
        let out: Arc<Mutex<Keys>> = Arc::default();
        let slot = out.clone();
        let work: TxWork = Box::new(move |tx: &mut dyn Tx| {
            Box::pin(async move {
                let keys = tx
                    .home_feed_keys(UserId::from(viewer), after, fetch)
                    .await?;
                *slot.lock().unwrap() = keys
                    .iter()
                    .map(|k| (k.id.as_uuid(), k.created_at))
                    .collect();
                Ok(())
            })
        });
        uow.connection(work).await.unwrap();
        let keys = std::mem::take(&mut *out.lock().unwrap());
        let more = keys.len() as i64 == fetch;
        let page: Vec<_> = keys.into_iter().take((fetch - 1) as usize).collect();
        let last = page.last().copied();
        all.extend(page);
        match (more, last) {
            (true, Some((id, ts))) => after = Some(Cursor { ts, id }),
            _ => return all,
        }
    }
}

/// The whole feed of `viewer` from the per-followee merge alone, newest first.
async fn whole_feed_from_merge(db: &TestDb, viewer: Uuid) -> Keys {
    diesel::sql_query(format!(
        "SELECT post_id, post_created_at FROM home_feed_merge_keys('{viewer}', NULL, NULL, 100000)"
    ))
    .load::<Key>(&mut connect(db).await)
    .await
    .unwrap()
    .into_iter()
    .map(|k| (k.post_id, k.post_created_at))
    .collect()
}

async fn assert_pages_equal_the_merge(db: &TestDb, uow: &PgUnitOfWork, users: &[Uuid], when: &str) {
    for &viewer in users {
        let merge = whole_feed_from_merge(db, viewer).await;
        for fetch in [2, 31] {
            assert_eq!(
                pages_from_store(uow, viewer, fetch).await,
                merge,
                "pages of {fetch} keys {when}"
            );
        }
    }
}

/// How many first pages of `users` (at `fetch`) the timeline alone answers exactly, by the same
/// rule as the store: proves the checks above exercise the timeline, not only the fallback.
async fn first_pages_the_timeline_answers(db: &TestDb, users: &[Uuid], fetch: i64) -> usize {
    let mut answered = 0;
    for &viewer in users {
        let n = count(
            db,
            &format!(
                "SELECT count(*) AS n FROM ( \
                   SELECT t.created_at FROM home_timeline t \
                    WHERE t.viewer_id = '{viewer}' \
                      AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = t.author_id \
                                         AND u.deleted_at IS NOT NULL) \
                    ORDER BY t.created_at DESC, t.post_id DESC LIMIT {fetch}) page \
                  WHERE NOT EXISTS (SELECT 1 FROM home_timeline_horizon h \
                                     WHERE h.viewer_id = '{viewer}') \
                     OR page.created_at > (SELECT h.horizon FROM home_timeline_horizon h \
                                            WHERE h.viewer_id = '{viewer}')"
            ),
        )
        .await;
        let horizon = count(
            db,
            &format!(
                "SELECT count(*) AS n FROM home_timeline_horizon WHERE viewer_id = '{viewer}'"
            ),
        )
        .await;
        if n > 0 && (horizon == 0 || n == fetch) {
            answered += 1;
        }
    }
    answered
}

/// Timeline rows of `viewers` by `author`.
async fn rows_by(db: &TestDb, viewers: &[Uuid], author: Uuid) -> i64 {
    let list: Vec<String> = viewers.iter().map(|v| format!("'{v}'")).collect();
    count(
        db,
        &format!(
            "SELECT count(*) AS n FROM home_timeline \
              WHERE viewer_id IN ({}) AND author_id = '{author}'",
            list.join(", ")
        ),
    )
    .await
}

/// A small deterministic generator (the sequence is the test's, not the machine's).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

#[tokio::test]
async fn every_change_keeps_each_timeline_exact_and_its_pages_equal_the_merge() {
    let db = TestDb::migrated().await;
    let uow = PgUnitOfWork::new(connect_pool(db.url(), &PoolSettings::default()).unwrap());
    let mut users = Vec::new();
    for handle in ["ann", "bob", "cy", "dee", "eve", "fay"] {
        users.push(user(&db, handle).await);
    }
    let mut rng = Lcg(7);
    let mut posts: Vec<Uuid> = Vec::new();
    let mut clock = 0;
    for step in 0..90 {
        let (a, b) = (users[rng.below(6)], users[rng.below(6)]);
        let op = rng.below(10);
        let what = match op {
            0..=3 => {
                // Some posts share their instant with the previous one (ties on created_at).
                if rng.below(3) > 0 {
                    clock += 1;
                }
                posts.push(post(&db, a, at(clock)).await);
                "post"
            }
            4 if !posts.is_empty() => {
                let gone = posts.swap_remove(rng.below(posts.len()));
                db.run_sql(&delete_sql(gone)).await;
                "delete"
            }
            5..=6 if a != b => {
                db.run_sql(&format!(
                    "INSERT INTO follows (follower_id, followee_id) \
                     SELECT '{a}', '{b}' WHERE NOT EXISTS (SELECT 1 FROM blocks \
                      WHERE (blocker_id, blocked_id) IN (('{a}', '{b}'), ('{b}', '{a}'))) \
                     ON CONFLICT DO NOTHING"
                ))
                .await;
                "follow"
            }
            7 => {
                db.run_sql(&format!(
                    "DELETE FROM follows WHERE follower_id = '{a}' AND followee_id = '{b}'"
                ))
                .await;
                "unfollow"
            }
            8 if a != b && rng.below(4) == 0 => {
                db.run_sql(&format!(
                    "INSERT INTO blocks (blocker_id, blocked_id) VALUES ('{a}', '{b}') \
                     ON CONFLICT DO NOTHING"
                ))
                .await;
                // The use case also drops the follows between them; the reads must not rely
                // on it, so half the blocks here keep them.
                if rng.below(2) == 0 {
                    db.run_sql(&format!(
                        "DELETE FROM follows WHERE (follower_id, followee_id) IN \
                           (('{a}', '{b}'), ('{b}', '{a}'))"
                    ))
                    .await;
                }
                "block"
            }
            9 => {
                // Keep three rows per viewer: horizons rise, and later reads must fall back.
                db.run_sql("SELECT * FROM home_timeline_trim(NULL, 100, 3)")
                    .await;
                "trim"
            }
            _ => "nothing",
        };
        if step == 60 {
            db.run_sql(&format!(
                "UPDATE users SET deleted_at = {} WHERE id = '{}'",
                lit(at(clock)),
                users[5]
            ))
            .await;
        }
        let when = format!("after step {step} ({what})");
        assert_timelines_exact(&db, &when).await;
        if step % 30 == 29 {
            // A soft-deleted account reads no feed (the user gate refuses it first).
            let readers = if step > 60 { &users[..5] } else { &users[..] };
            assert_pages_equal_the_merge(&db, &uow, readers, &when).await;
        }
    }
    assert!(
        first_pages_the_timeline_answers(&db, &users, 4).await > 0,
        "no first page came from the timeline: the checks above only saw the merge"
    );
}

#[tokio::test]
async fn a_follow_copies_at_most_the_kept_posts_and_raises_the_horizon_to_the_last() {
    let db = TestDb::migrated().await;
    let uow = PgUnitOfWork::new(connect_pool(db.url(), &PoolSettings::default()).unwrap());
    let (ann, bob) = (user(&db, "ann").await, user(&db, "bob").await);
    // 120 posts of bob, one a minute: the 100th newest is the one of minute 21.
    db.run_sql(&format!(
        "INSERT INTO posts (owner_id, created_at) \
         SELECT '{bob}', {} + g * interval '1 minute' FROM generate_series(1, 120) g",
        lit(at(0))
    ))
    .await;
    db.run_sql(&follow_sql(ann, bob)).await;
    let rows = count(
        &db,
        &format!("SELECT count(*) AS n FROM home_timeline WHERE viewer_id = '{ann}'"),
    )
    .await;
    assert_eq!(rows, 100);
    let raised = count(
        &db,
        &format!(
            "SELECT count(*) AS n FROM home_timeline_horizon \
              WHERE viewer_id = '{ann}' AND horizon = {} + interval '21 minutes'",
            lit(at(0))
        ),
    )
    .await;
    assert_eq!(raised, 1, "the horizon is the last post copied");
    assert_timelines_exact(&db, "after the follow").await;
    // Pages below the horizon come from the merge: the whole feed is still all 120 posts.
    let whole = whole_feed_from_merge(&db, ann).await;
    assert_eq!(whole.len(), 120);
    assert_eq!(pages_from_store(&uow, ann, 31).await, whole);
    assert_eq!(first_pages_the_timeline_answers(&db, &[ann], 31).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writers_racing_on_one_followee_leave_the_timelines_exact_in_both_orders() {
    let db = TestDb::migrated().await;
    let (ann, bob, cy, dee) = (
        user(&db, "ann").await,
        user(&db, "bob").await,
        user(&db, "cy").await,
        user(&db, "dee").await,
    );
    post(&db, bob, at(10)).await;

    // A post, then a follow of its author: the follow waits for the followee lock, then copies.
    interleave_waiting_on(&db, post_sql(bob, at(20)), follow_sql(ann, bob), "advisory").await;
    // A follow, then a post: the post waits, then fans out to the new follower too.
    interleave_waiting_on(&db, follow_sql(cy, bob), post_sql(bob, at(30)), "advisory").await;
    assert_timelines_exact(&db, "after post/follow races").await;
    assert_eq!(rows_by(&db, &[ann, cy], bob).await, 6);

    // An unfollow, then a post: the fan-out waits for the edge (read FOR KEY SHARE), then skips it.
    let unfollow = |who: Uuid| {
        format!("DELETE FROM follows WHERE follower_id = '{who}' AND followee_id = '{bob}'")
    };
    interleave_waiting_on(&db, unfollow(ann), post_sql(bob, at(40)), "transactionid").await;
    // A post, then an unfollow: the unfollow waits for the fan-out, then removes its row.
    interleave_waiting_on(&db, post_sql(bob, at(50)), unfollow(cy), "transactionid").await;
    assert_timelines_exact(&db, "after post/unfollow races").await;
    assert_eq!(rows_by(&db, &[ann, cy], bob).await, 0);

    // A follow, then the deletion of a post: the deletion waits, then removes the copied row.
    let newest = post(&db, bob, at(60)).await;
    interleave_waiting_on(&db, follow_sql(dee, bob), delete_sql(newest), "advisory").await;
    assert_timelines_exact(&db, "after follow/delete race").await;
}
