//! `NotificationStore` on Postgres: the recipient's list, key (created_at, id) DESC with the
//! payload object as stored, and mark-read that only changes an unread notification of its
//! recipient.

use chrono::{TimeZone, Utc};
use ciel_domain::notifications::{Actor, NewNotification, Notification};
use ciel_domain::ports::{BoxFuture, RepoError, Tx, TxWork, UnitOfWork};
use ciel_domain::{Cursor, NotificationId, PageLimit, PageRequest, UserId};
use ciel_storage::{PgUnitOfWork, PoolSettings, connect_pool};
use ciel_testkit::TestDb;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

async fn user(db: &TestDb, handle: &str) -> UserId {
    let id = Uuid::new_v4();
    db.run_sql(&format!(
        "INSERT INTO users (id, handle, email, display_name) VALUES ('{id}', '{handle}', '{handle}@example.com', '{handle}')"
    ))
    .await;
    UserId::from(id)
}

async fn on_conn<T, F>(uow: &PgUnitOfWork, work: F) -> T
where
    T: Send + 'static,
    F: for<'t> FnOnce(&'t mut dyn Tx) -> BoxFuture<'t, Result<T, RepoError>> + Send + 'static,
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

fn page(limit: i64, after: Option<Cursor>) -> PageRequest {
    PageRequest {
        limit: PageLimit::parse(Some(limit)).unwrap(),
        after,
    }
}

#[tokio::test]
async fn lists_newest_first_by_created_at_then_id_and_marks_read_once() {
    let db = TestDb::migrated().await;
    let uow = PgUnitOfWork::new(connect_pool(db.url(), &PoolSettings::default()).unwrap());
    let (ann, bob) = (user(&db, "ann").await, user(&db, "bob").await);
    let actor = Actor {
        id: bob,
        handle: "bob".into(),
        display_name: "Bob".into(),
    };
    // Five for ann over two timestamps, one for bob.
    for i in 0..5u32 {
        let n = NewNotification::user_followed(&actor, ann).unwrap();
        let at = Utc.with_ymd_and_hms(2024, 5, 1 + i % 2, 9, 0, 0).unwrap();
        on_conn(&uow, move |tx| {
            Box::pin(async move { tx.insert_notification(&n, at).await })
        })
        .await;
    }
    let theirs = NewNotification::user_followed(
        &Actor {
            id: ann,
            handle: "ann".into(),
            display_name: "Ann".into(),
        },
        bob,
    )
    .unwrap();
    on_conn(&uow, move |tx| {
        Box::pin(async move { tx.insert_notification(&theirs, Utc::now()).await })
    })
    .await;

    let all: Vec<Notification> =
        on_conn(&uow, move |tx| tx.list_notifications(ann, page(200, None))).await;
    assert_eq!(all.len(), 5);
    let mut keys: Vec<_> = all.iter().map(|n| (n.created_at, n.id.as_uuid())).collect();
    let sorted = {
        let mut k = keys.clone();
        k.sort_by(|x, y| y.cmp(x));
        k
    };
    assert_eq!(keys, sorted, "newest first, ties by id DESC");
    let payload: serde_json::Value = serde_json::from_str(&all[0].payload_json).unwrap();
    assert_eq!(payload["follower_handle"], "bob");
    assert_eq!(payload["actor_display_name"], "Bob");
    assert!(
        all.iter()
            .all(|n| n.user_id == ann && n.kind == "user_followed")
    );

    // Pages of two (three rows fetched) walk the same order.
    let mut walked = Vec::new();
    let mut after = None;
    loop {
        let rows = on_conn(&uow, move |tx| tx.list_notifications(ann, page(2, after))).await;
        walked.extend(rows.iter().take(2).map(|n| (n.created_at, n.id.as_uuid())));
        if rows.len() < 3 {
            break;
        }
        after = Some(Cursor {
            ts: rows[1].created_at,
            id: rows[1].id.as_uuid(),
        });
    }
    keys.truncate(5);
    assert_eq!(walked, keys);

    let id = all[0].id;
    let now = Utc::now();
    assert!(
        !on_conn(&uow, move |tx| tx.mark_notification_read(bob, id, now)).await,
        "not bob's"
    );
    assert!(on_conn(&uow, move |tx| tx.mark_notification_read(ann, id, now)).await);
    assert!(
        !on_conn(&uow, move |tx| tx.mark_notification_read(ann, id, now)).await,
        "already read"
    );
    let unknown = NotificationId::from(Uuid::new_v4());
    assert!(!on_conn(&uow, move |tx| tx.mark_notification_read(ann, unknown, now)).await);
    let read = on_conn(&uow, move |tx| tx.list_notifications(ann, page(200, None))).await;
    let marked = read.iter().find(|n| n.id == id).unwrap();
    assert!(marked.read_at.is_some());
    assert_eq!(read.iter().filter(|n| n.read_at.is_some()).count(), 1);
}
