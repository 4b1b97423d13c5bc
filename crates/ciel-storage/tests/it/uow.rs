//! The unit of work commits what its work wrote when the work succeeds, and nothing when it
//! gives up or a query fails; the connection variant needs no transaction.

use chrono::Utc;
use ciel_domain::UserId;
use ciel_domain::notifications::{Actor, NewNotification};
use ciel_domain::ports::{Tx, TxAbort, TxWork, UnitOfWork};
use ciel_storage::{PgUnitOfWork, PoolSettings, connect_pool};
use ciel_testkit::TestDb;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

async fn user(db: &TestDb, handle: &str) -> Uuid {
    let id = Uuid::new_v4();
    db.run_sql(&format!(
        "INSERT INTO users (id, handle, email, display_name) VALUES ('{id}', '{handle}', '{handle}@example.com', '{handle}')"
    ))
    .await;
    id
}

async fn notifications_of(db: &TestDb, user: Uuid) -> i64 {
    let mut conn = AsyncPgConnection::establish(db.url()).await.unwrap();
    ciel_schema::notifications::table
        .filter(ciel_schema::notifications::user_id.eq(user))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap()
}

/// Work that looks the actor up, notifies `recipient`, then ends with `end`.
fn notify(actor: Uuid, recipient: Uuid, end: Result<(), TxAbort>) -> TxWork {
    Box::new(move |tx: &mut dyn Tx| {
        Box::pin(async move {
            let actor: Actor = tx.active_user(UserId::from(actor)).await?.expect("actor");
            let n = NewNotification::user_followed(&actor, UserId::from(recipient)).unwrap();
            tx.insert_notification(&n, Utc::now()).await?;
            end
        })
    })
}

#[tokio::test]
async fn commits_on_ok_and_rolls_back_otherwise() {
    let db = TestDb::migrated().await;
    let uow = PgUnitOfWork::new(connect_pool(db.url(), &PoolSettings::default()).unwrap());
    let (a, b) = (user(&db, "ann").await, user(&db, "ben").await);

    uow.transaction(notify(a, b, Ok(()))).await.unwrap();
    assert_eq!(notifications_of(&db, b).await, 1);

    let abandoned = uow.transaction(notify(a, b, Err(TxAbort::Abandoned))).await;
    assert!(matches!(abandoned, Err(TxAbort::Abandoned)));
    assert_eq!(notifications_of(&db, b).await, 1, "rolled back");

    // A failing statement after a successful one: nothing of the work stays.
    let failing: TxWork = Box::new(move |tx: &mut dyn Tx| {
        Box::pin(async move {
            let actor = tx.active_user(UserId::from(a)).await?.expect("actor");
            let n = NewNotification::user_followed(&actor, UserId::from(b)).unwrap();
            tx.insert_notification(&n, Utc::now()).await?;
            let ghost = NewNotification::user_followed(&actor, UserId::generate()).unwrap();
            tx.insert_notification(&ghost, Utc::now()).await?;
            Ok(())
        })
    });
    assert!(matches!(
        uow.transaction(failing).await,
        Err(TxAbort::Repo(_))
    ));
    assert_eq!(
        notifications_of(&db, b).await,
        1,
        "rolled back after a failed statement"
    );
}

#[tokio::test]
async fn connection_work_writes_without_a_transaction() {
    let db = TestDb::migrated().await;
    let uow = PgUnitOfWork::new(connect_pool(db.url(), &PoolSettings::default()).unwrap());
    let (a, b) = (user(&db, "cat").await, user(&db, "dan").await);
    uow.connection(notify(a, b, Ok(()))).await.unwrap();
    assert_eq!(notifications_of(&db, b).await, 1);
    // A deleted user is no actor.
    db.run_sql(&format!(
        "UPDATE users SET deleted_at = now() WHERE id = '{a}'"
    ))
    .await;
    let probe: TxWork = Box::new(move |tx: &mut dyn Tx| {
        Box::pin(async move {
            assert!(tx.active_user(UserId::from(a)).await?.is_none());
            Ok(())
        })
    });
    uow.connection(probe).await.unwrap();
}
