//! `GraphStore` on Postgres: the facts a follow is decided on (blocks either way, existing
//! edge, the follower limit counting only live followers), edge writes that report whether
//! they changed anything, relationships, keyset pages of followers and following, and a
//! follow's edge, trust and notification rolling back together.

use chrono::{DateTime, TimeZone, Utc};
use ciel_domain::graph::{FollowFacts, FollowList, Relationship};
use ciel_domain::notifications::NewNotification;
use ciel_domain::ports::{Tx, TxAbort, TxWork, UnitOfWork};
use ciel_domain::trust::{TrustEvent, TrustRecord};
use ciel_domain::{Cursor, PageLimit, PageRequest, UserId};
use ciel_storage::{PgUnitOfWork, PoolSettings, connect_pool};
use ciel_testkit::TestDb;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

async fn user(db: &TestDb, handle: &str) -> UserId {
    let id = Uuid::new_v4();
    db.run_sql(&format!(
        "INSERT INTO users (id, handle, email, display_name) VALUES ('{id}', '{handle}', '{handle}@example.com', '{handle} name')"
    ))
    .await;
    UserId::from(id)
}

fn uow(db: &TestDb) -> PgUnitOfWork {
    PgUnitOfWork::new(connect_pool(db.url(), &PoolSettings::default()).unwrap())
}

/// Runs `work` on one connection and returns what it produced.
async fn on_conn<T, F>(uow: &PgUnitOfWork, work: F) -> T
where
    T: Send + 'static,
    F: for<'t> FnOnce(
            &'t mut dyn Tx,
        ) -> ciel_domain::ports::BoxFuture<
            't,
            Result<T, ciel_domain::ports::RepoError>,
        > + Send
        + 'static,
{
    let slot = Arc::new(Mutex::new(None));
    let out = slot.clone();
    let job: TxWork = Box::new(move |tx: &mut dyn Tx| {
        Box::pin(async move {
            let value = work(tx).await?;
            *out.lock().unwrap() = Some(value);
            Ok(())
        })
    });
    uow.connection(job).await.unwrap();
    slot.lock().unwrap().take().unwrap()
}

fn ts(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, day, 10, 0, 0).unwrap()
}

#[tokio::test]
async fn follow_facts_see_blocks_either_way_edges_and_the_limit_of_live_followers() {
    let db = TestDb::migrated().await;
    let uow = uow(&db);
    let (a, b) = (user(&db, "ann").await, user(&db, "bob").await);
    let facts = |limit: i64| {
        let uow = uow.clone();
        async move { on_conn(&uow, move |tx| tx.follow_facts(a, b, limit)).await }
    };
    assert_eq!(facts(5000).await, FollowFacts::default());

    // Three followers of bob, one soft-deleted: at limit 2, not at limit 3.
    let fans = [
        user(&db, "f1").await,
        user(&db, "f2").await,
        user(&db, "f3").await,
    ];
    for fan in fans {
        db.run_sql(&format!(
            "INSERT INTO follows (follower_id, followee_id) VALUES ('{fan}', '{b}')"
        ))
        .await;
    }
    db.run_sql(&format!(
        "UPDATE users SET deleted_at = now() WHERE id = '{}'",
        fans[2]
    ))
    .await;
    assert!(facts(2).await.followee_at_limit);
    assert!(!facts(3).await.followee_at_limit);
    assert!(facts(1).await.followee_at_limit);

    let edge = on_conn(&uow, move |tx| tx.insert_follow(a, b, ts(1))).await;
    assert!(edge);
    assert!(facts(5000).await.already_following);
    assert!(!on_conn(&uow, move |tx| tx.insert_follow(a, b, ts(2))).await);

    for (blocker, blocked) in [(a, b), (b, a)] {
        assert!(on_conn(&uow, move |tx| tx.insert_block(blocker, blocked, ts(1))).await);
        assert!(!on_conn(&uow, move |tx| tx.insert_block(blocker, blocked, ts(1))).await);
        assert!(facts(5000).await.blocked_either_way);
        assert!(on_conn(&uow, move |tx| tx.delete_block(blocker, blocked)).await);
        assert!(!on_conn(&uow, move |tx| tx.delete_block(blocker, blocked)).await);
        assert!(!facts(5000).await.blocked_either_way);
    }
}

#[tokio::test]
async fn edges_and_relationships() {
    let db = TestDb::migrated().await;
    let uow = uow(&db);
    let (a, b, c) = (
        user(&db, "ann").await,
        user(&db, "bob").await,
        user(&db, "cat").await,
    );
    let rel = |x: UserId, y: UserId| {
        let uow = uow.clone();
        async move { on_conn(&uow, move |tx| tx.relationship(x, y)).await }
    };
    assert_eq!(rel(a, b).await, Relationship::default());
    on_conn(&uow, move |tx| tx.insert_follow(a, b, ts(1))).await;
    on_conn(&uow, move |tx| tx.insert_follow(b, a, ts(1))).await;
    on_conn(&uow, move |tx| tx.insert_follow(a, c, ts(1))).await;
    on_conn(&uow, move |tx| tx.insert_block(b, a, ts(1))).await;
    assert_eq!(
        rel(a, b).await,
        Relationship {
            is_following: true,
            is_followed_by: true,
            is_blocking: false,
            is_blocked_by: true,
        }
    );
    assert_eq!(
        rel(b, a).await,
        Relationship {
            is_following: true,
            is_followed_by: true,
            is_blocking: true,
            is_blocked_by: false,
        }
    );
    // Only the pair's edges go, both ways.
    assert_eq!(
        on_conn(&uow, move |tx| tx.delete_follows_between(b, a)).await,
        2
    );
    assert!(!rel(a, b).await.is_following);
    assert!(rel(a, c).await.is_following);
    assert!(on_conn(&uow, move |tx| tx.delete_follow(a, c)).await);
    assert!(!on_conn(&uow, move |tx| tx.delete_follow(a, c)).await);
    // The active-user lookups see soft deletion.
    db.run_sql(&format!(
        "UPDATE users SET deleted_at = now() WHERE id = '{c}'"
    ))
    .await;
    let actor = on_conn(&uow, move |tx| tx.lock_active_user(a))
        .await
        .unwrap();
    assert_eq!((actor.id, actor.handle.as_str()), (a, "ann"));
    assert!(
        on_conn(&uow, move |tx| tx.lock_active_user(c))
            .await
            .is_none()
    );
}

#[tokio::test]
async fn follow_lists_page_by_followed_at_then_id_and_leave_out_deleted_users() {
    let db = TestDb::migrated().await;
    let uow = uow(&db);
    let star = user(&db, "star").await;
    let mut expected = Vec::new();
    for i in 0..7u32 {
        let fan = user(&db, &format!("fan{i}")).await;
        let at = ts(1 + i / 3);
        on_conn(&uow, move |tx| tx.insert_follow(fan, star, at)).await;
        on_conn(&uow, move |tx| tx.insert_follow(star, fan, at)).await;
        if i == 3 {
            db.run_sql(&format!(
                "UPDATE users SET deleted_at = now() WHERE id = '{fan}'"
            ))
            .await;
        } else {
            expected.push((at, fan.as_uuid()));
        }
    }
    expected.sort_by(|x, y| y.cmp(x));
    for list in [FollowList::Followers, FollowList::Following] {
        let mut got = Vec::new();
        let mut after: Option<Cursor> = None;
        loop {
            let page = PageRequest {
                limit: PageLimit::parse(Some(2)).unwrap(),
                after,
            };
            let rows = on_conn(&uow, move |tx| tx.follow_list(star, list, page)).await;
            assert!(rows.len() <= 3, "limit + 1 rows at most");
            let more = rows.len() == 3;
            for entry in rows.iter().take(2) {
                got.push((entry.followed_at, entry.user.id.as_uuid()));
            }
            if !more {
                break;
            }
            let last = &rows[1];
            after = Some(Cursor {
                ts: last.followed_at,
                id: last.user.id.as_uuid(),
            });
        }
        assert_eq!(got, expected, "{list:?}");
    }
}

#[tokio::test]
async fn a_follow_rolls_back_with_its_trust_and_notification() {
    let db = TestDb::migrated().await;
    let uow = uow(&db);
    let (a, b) = (user(&db, "ann").await, user(&db, "bob").await);
    let follow = |end: Result<(), TxAbort>| -> TxWork {
        Box::new(move |tx: &mut dyn Tx| {
            Box::pin(async move {
                let actor = tx.active_user(a).await?.expect("actor");
                assert!(tx.insert_follow(a, b, Utc::now()).await?);
                let mut record: TrustRecord = tx.lock_trust(b).await?;
                record.apply(TrustEvent::FollowerGained, Utc::now());
                tx.store_trust(b, &record, Utc::now()).await?;
                let n = NewNotification::user_followed(&actor, b).unwrap();
                tx.insert_notification(&n, Utc::now()).await?;
                end
            })
        })
    };
    let counts = || async {
        (
            db.scalar("SELECT count(*) FROM follows").await,
            db.scalar("SELECT count(*) FROM notifications").await,
            db.scalar("SELECT coalesce(sum(trust_points), 0) FROM user_trust_scores")
                .await,
        )
    };
    assert!(matches!(
        uow.transaction(follow(Err(TxAbort::Abandoned))).await,
        Err(TxAbort::Abandoned)
    ));
    assert_eq!(counts().await, (0, 0, 0), "nothing of the follow stays");
    uow.transaction(follow(Ok(()))).await.unwrap();
    assert_eq!(counts().await, (1, 1, 3));
}
