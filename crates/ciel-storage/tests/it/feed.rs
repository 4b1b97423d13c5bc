//! The home-feed query (`home_feed_page` through `FeedStore`) against a reference computed in
//! Rust from the same rows: composition (own, followed, blocks either way, deleted owners,
//! unfollowed), order with timestamp ties, every page size, and that the call is one statement
//! diesel prepares once per connection.

use chrono::{DateTime, Utc};
use ciel_domain::ports::{Tx, TxWork, UnitOfWork};
use ciel_domain::posts::Post;
use ciel_domain::{Cursor, UserId};
use ciel_storage::{PgUnitOfWork, PoolSettings, connect_pool};
use ciel_testkit::TestDb;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

async fn user(db: &TestDb, handle: &str) -> Uuid {
    let id = Uuid::new_v4();
    db.run_sql(&format!(
        "INSERT INTO users (id, handle, email, display_name, avatar_key) \
         VALUES ('{id}', '{handle}', '{handle}@example.com', 'Name {handle}', 'avatars/{handle}.jpg')"
    ))
    .await;
    id
}

/// `n` posts of `owner` whose timestamps collide often (9 distinct seconds), alternating
/// visibilities.
async fn posts(db: &TestDb, owner: Uuid, salt: i64, n: i64) {
    db.run_sql(&format!(
        "INSERT INTO posts (owner_id, caption, visibility, created_at) \
         SELECT '{owner}', 'post ' || i, \
                CASE WHEN i % 2 = 0 THEN 'public' ELSE 'followers_only' END::post_visibility, \
                timestamptz '2026-01-01 00:00:00+00' + ((i * 7 + {salt}) % 9) * interval '1 second' \
           FROM generate_series(1, {n}) AS i"
    ))
    .await;
}

/// Runs one `home_feed_keys` call on a pooled connection, then loads those posts as the feed
/// does (`load_posts`), in page order.
async fn page(uow: &PgUnitOfWork, viewer: Uuid, after: Option<Cursor>, fetch: i64) -> Vec<Post> {
    let out: Arc<Mutex<Vec<Post>>> = Arc::default();
    let slot = out.clone();
    let work: TxWork = Box::new(move |tx: &mut dyn Tx| {
        Box::pin(async move {
            let keys = tx
                .home_feed_keys(UserId::from(viewer), after, fetch)
                .await?;
            let ids: Vec<_> = keys.iter().map(|k| k.id).collect();
            let mut posts = tx.load_posts(&ids).await?;
            assert_eq!(posts.len(), keys.len(), "every key loads its post");
            posts.sort_by_key(|p| ids.iter().position(|id| *id == p.id));
            for (post, key) in posts.iter().zip(&keys) {
                assert_eq!(post.created_at, key.created_at);
            }
            *slot.lock().unwrap() = posts;
            Ok(())
        })
    });
    uow.connection(work).await.unwrap();
    std::mem::take(&mut *out.lock().unwrap())
}

/// Every post's key and owner, newest first, straight from the table.
async fn all_posts(db: &TestDb) -> Vec<(DateTime<Utc>, Uuid, Uuid)> {
    use ciel_schema::posts;
    let mut conn = AsyncPgConnection::establish(db.url()).await.unwrap();
    posts::table
        .select((posts::created_at, posts::id, posts::owner_id))
        .order((posts::created_at.desc(), posts::id.desc()))
        .load(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn pages_match_the_reference_composition_and_order() {
    let db = TestDb::migrated().await;
    let uow = PgUnitOfWork::new(connect_pool(db.url(), &PoolSettings::default()).unwrap());
    let viewer = user(&db, "viewer").await;
    let followed = user(&db, "followed").await;
    let followed2 = user(&db, "followed2").await;
    let blocks_viewer = user(&db, "blocksviewer").await;
    let blocked_by_viewer = user(&db, "blockedbyv").await;
    let deleted = user(&db, "deleted").await;
    let stranger = user(&db, "stranger").await;
    let follower = user(&db, "follower").await;
    for (i, u) in [
        viewer,
        followed,
        followed2,
        blocks_viewer,
        blocked_by_viewer,
        deleted,
        stranger,
        follower,
    ]
    .into_iter()
    .enumerate()
    {
        posts(&db, u, i as i64, 11).await;
    }
    // Follow edges to every kind of owner (blocks normally remove edges; the query must not
    // rely on that), and one follower of the viewer the viewer does not follow back.
    let mut sql = String::new();
    for f in [
        followed,
        followed2,
        blocks_viewer,
        blocked_by_viewer,
        deleted,
    ] {
        sql.push_str(&format!(
            "INSERT INTO follows (follower_id, followee_id) VALUES ('{viewer}', '{f}');"
        ));
    }
    sql.push_str(&format!(
        "INSERT INTO follows (follower_id, followee_id) VALUES ('{follower}', '{viewer}');\
         INSERT INTO blocks (blocker_id, blocked_id) VALUES ('{blocks_viewer}', '{viewer}');\
         INSERT INTO blocks (blocker_id, blocked_id) VALUES ('{viewer}', '{blocked_by_viewer}');\
         UPDATE users SET deleted_at = now() WHERE id = '{deleted}';"
    ));
    db.run_sql(&sql).await;

    let authors: HashSet<Uuid> = [viewer, followed, followed2].into_iter().collect();
    let expected: Vec<Uuid> = all_posts(&db)
        .await
        .into_iter()
        .filter(|(_, _, owner)| authors.contains(owner))
        .map(|(_, id, _)| id)
        .collect();
    assert_eq!(expected.len(), 33);

    // One call with room for everything.
    let everything = page(&uow, viewer, None, 200).await;
    let ids: Vec<Uuid> = everything.iter().map(|p| p.id.as_uuid()).collect();
    assert_eq!(ids, expected);
    let own = everything
        .iter()
        .find(|p| p.owner_id.as_uuid() == viewer)
        .unwrap();
    assert_eq!(own.owner_handle.as_deref(), Some("viewer"));
    assert_eq!(own.owner_display_name.as_deref(), Some("Name viewer"));
    assert_eq!(own.owner_avatar_key.as_deref(), Some("avatars/viewer.jpg"));

    // Walking with every page size returns the same sequence, each post once.
    for limit in 1..=12_i64 {
        let mut walked = Vec::new();
        let mut after = None;
        loop {
            let mut rows = page(&uow, viewer, after, limit + 1).await;
            let more = rows.len() as i64 > limit;
            rows.truncate(limit as usize);
            walked.extend(rows.iter().map(|p| p.id.as_uuid()));
            if !more {
                break;
            }
            let last = rows.last().unwrap();
            after = Some(Cursor {
                ts: last.created_at,
                id: last.id.as_uuid(),
            });
        }
        assert_eq!(walked, expected, "page size {limit}");
    }

    // A user who follows nobody sees only their own posts; one with no posts, nothing.
    let lonely = page(&uow, stranger, None, 200).await;
    assert!(lonely.iter().all(|p| p.owner_id.as_uuid() == stranger));
    assert_eq!(lonely.len(), 11);
    let nobody = user(&db, "nobody").await;
    assert!(page(&uow, nobody, None, 31).await.is_empty());
}

#[tokio::test]
async fn media_ids_come_in_position_order() {
    let db = TestDb::migrated().await;
    let uow = PgUnitOfWork::new(connect_pool(db.url(), &PoolSettings::default()).unwrap());
    let viewer = user(&db, "viewer").await;
    let (m1, m2) = (
        db.completed_media(&viewer.to_string()).await,
        db.completed_media(&viewer.to_string()).await,
    );
    let post = Uuid::new_v4();
    db.run_sql(&format!(
        "INSERT INTO posts (id, owner_id) VALUES ('{post}', '{viewer}');\
         INSERT INTO post_media (post_id, media_id, position) VALUES ('{post}', '{m1}', 1), ('{post}', '{m2}', 0);"
    ))
    .await;
    let rows = page(&uow, viewer, None, 31).await;
    assert_eq!(rows.len(), 1);
    let media: Vec<String> = rows[0].media_ids.iter().map(ToString::to_string).collect();
    assert_eq!(media, vec![m2, m1]);
    assert_eq!(rows[0].caption, None);
}

#[derive(QueryableByName)]
struct Prepared {
    #[diesel(sql_type = diesel::sql_types::Text)]
    statement: String,
}

#[tokio::test]
async fn the_call_is_prepared_once_per_connection() {
    let db = TestDb::migrated().await;
    let pool = connect_pool(
        db.url(),
        &PoolSettings {
            max_connections: 1,
            ..PoolSettings::default()
        },
    )
    .unwrap();
    let uow = PgUnitOfWork::new(pool.clone());
    let viewer = user(&db, "viewer").await;
    let cursor = Cursor {
        ts: Utc::now(),
        id: Uuid::new_v4(),
    };
    for _ in 0..3 {
        page(&uow, viewer, None, 31).await;
        page(&uow, viewer, Some(cursor), 11).await;
    }
    // The pool's only connection holds one prepared statement for the feed call, reused by
    // all six calls whatever the cursor and limit.
    let mut conn = pool.get().await.unwrap();
    let statements: Vec<Prepared> =
        diesel::sql_query("SELECT statement FROM pg_prepared_statements")
            .load(&mut *conn)
            .await
            .unwrap();
    let feed: Vec<&str> = statements
        .iter()
        .map(|p| p.statement.as_str())
        .filter(|s| s.contains("home_feed_keys"))
        .collect();
    assert_eq!(feed.len(), 1, "{feed:?}");
}

/// Edges whose stored `followee_head` differs from the followee's newest post time.
async fn stale_heads(db: &TestDb) -> i64 {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = AsyncPgConnection::establish(db.url()).await.unwrap();
    diesel::sql_query(
        "SELECT count(*) AS n FROM follows f \
          WHERE f.followee_head IS DISTINCT FROM \
                (SELECT max(p.created_at) FROM posts p WHERE p.owner_id = f.followee_id)",
    )
    .get_result::<Count>(&mut conn)
    .await
    .unwrap()
    .n
}

/// The viewer's first page from the reference: own and followed posts, newest first.
async fn reference_first_page(db: &TestDb, authors: &HashSet<Uuid>, limit: usize) -> Vec<Uuid> {
    all_posts(db)
        .await
        .into_iter()
        .filter(|(_, _, owner)| authors.contains(owner))
        .map(|(_, id, _)| id)
        .take(limit)
        .collect()
}

#[tokio::test]
async fn followee_heads_stay_exact_through_posts_deletions_and_follows() {
    let db = TestDb::migrated().await;
    let uow = PgUnitOfWork::new(connect_pool(db.url(), &PoolSettings::default()).unwrap());
    let viewer = user(&db, "viewer").await;
    let quiet = user(&db, "quiet").await;
    let busy = user(&db, "busy").await;
    let late = user(&db, "late").await;
    // `late` posts before being followed: the new edge must take its head at once.
    posts(&db, busy, 1, 12).await;
    posts(&db, late, 2, 5).await;
    db.run_sql(&format!(
        "INSERT INTO follows (follower_id, followee_id) VALUES \
           ('{viewer}', '{quiet}'), ('{viewer}', '{busy}'), ('{viewer}', '{late}')"
    ))
    .await;
    assert_eq!(
        stale_heads(&db).await,
        0,
        "heads taken when the edges were made"
    );
    let authors: HashSet<Uuid> = [viewer, quiet, busy, late].into_iter().collect();
    for limit in [1_usize, 3, 7, 30] {
        let got: Vec<Uuid> = page(&uow, viewer, None, limit as i64)
            .await
            .iter()
            .map(|p| p.id.as_uuid())
            .collect();
        assert_eq!(got, reference_first_page(&db, &authors, limit).await);
    }

    // A newer post raises the head; deleting it, and then every newest post of `busy`, lowers it.
    db.run_sql(&format!(
        "INSERT INTO posts (owner_id, created_at) VALUES ('{quiet}', '2026-06-01T00:00:00Z')"
    ))
    .await;
    assert_eq!(
        stale_heads(&db).await,
        0,
        "a new post raised its author's heads"
    );
    let first = page(&uow, viewer, None, 1).await;
    assert_eq!(first[0].owner_id.as_uuid(), quiet);
    db.run_sql(&format!(
        "DELETE FROM posts WHERE owner_id = '{quiet}'; \
         DELETE FROM posts WHERE owner_id = '{busy}' \
            AND created_at = (SELECT max(created_at) FROM posts WHERE owner_id = '{busy}')"
    ))
    .await;
    assert_eq!(stale_heads(&db).await, 0, "deletions recomputed the heads");
    for limit in [1_usize, 4, 30] {
        let got: Vec<Uuid> = page(&uow, viewer, None, limit as i64)
            .await
            .iter()
            .map(|p| p.id.as_uuid())
            .collect();
        assert_eq!(got, reference_first_page(&db, &authors, limit).await);
    }
    // An author with no posts left has no head and contributes nothing.
    db.run_sql(&format!("DELETE FROM posts WHERE owner_id = '{late}'"))
        .await;
    assert_eq!(stale_heads(&db).await, 0);
    let got: Vec<Uuid> = page(&uow, viewer, None, 30)
        .await
        .iter()
        .map(|p| p.id.as_uuid())
        .collect();
    assert_eq!(got, reference_first_page(&db, &authors, 30).await);
}
