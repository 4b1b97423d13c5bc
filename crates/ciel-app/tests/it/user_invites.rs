//! Users' invite codes (`ciel_app::invites::insert_user_invite`) over Postgres: the lifetime
//! quota decided by the use case under the creator's trust-row lock, code collisions retried
//! in the same transaction (contract §2.3, §3.6).

use crate::{count, now, setup, uow, user};
use chrono::Utc;
use ciel_app::AppError;
use ciel_app::invites::insert_user_invite;
use ciel_domain::UserId;
use ciel_domain::invites::{Invite, InviteType};
use ciel_domain::ports::{InviteRepo, TrustRepo};
use ciel_storage::PgUnitOfWork;
use ciel_storage::repos::{PgInviteRepo, PgTrustRepo};
use std::sync::Arc;
use tokio::sync::Barrier;

/// Creates a week-long code for `creator`, trying `codes` in order.
async fn create(uow: &PgUnitOfWork, creator: UserId, codes: &[&str]) -> Result<Invite, AppError> {
    let mut codes: Vec<String> = codes.iter().rev().map(|c| (*c).to_owned()).collect();
    let next = move || codes.pop().expect("the test supplies enough codes");
    let expires_at = Utc::now() + chrono::Duration::days(7);
    insert_user_invite(uow, creator, expires_at, now(), next).await
}

/// Whether `got` is the 403 for the quota `limit`.
fn quota_reached(got: &Result<Invite, AppError>, limit: i32) -> bool {
    let message = format!("Maximum invite limit reached for your trust level ({limit})");
    matches!(got, Err(AppError::Forbidden(m)) if *m == message)
}

/// The creator's `invites_sent`.
async fn invites_sent(pool: &ciel_storage::PgPool, user: UserId) -> i32 {
    PgTrustRepo::new(pool.clone())
        .get(user)
        .await
        .unwrap()
        .expect("trust row")
        .invites_sent
}

#[tokio::test]
async fn the_quota_follows_the_level_and_counts_invites_sent() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    let uow = uow(&pool);
    let repo = PgInviteRepo::new(pool.clone());

    for i in 0..3 {
        let stored = create(&uow, ann, &[&format!("LEVELZERO00{i}")])
            .await
            .unwrap();
        assert_eq!(stored.created_by, Some(ann));
        assert_eq!(stored.invite_type, InviteType::Standard);
        assert!(stored.is_valid);
        assert_eq!((stored.use_count, stored.max_uses), (0, 1));
    }
    let refused = create(&uow, ann, &["LEVELZERO003"]).await;
    assert!(quota_reached(&refused, 3), "{refused:?}");
    assert_eq!(repo.find("LEVELZERO003").await.unwrap(), None);
    assert_eq!(invites_sent(&pool, ann).await, 3);

    db.run_sql(&format!(
        "UPDATE user_trust_scores SET trust_level = 1 WHERE user_id = '{ann}'"
    ))
    .await;
    for i in 3..10 {
        create(&uow, ann, &[&format!("LEVELONE000{i}")])
            .await
            .unwrap();
    }
    let refused = create(&uow, ann, &["LEVELONE0010"]).await;
    assert!(quota_reached(&refused, 10), "{refused:?}");
    assert_eq!(invites_sent(&pool, ann).await, 10);
    let mine = format!("invite_codes WHERE created_by = '{ann}'");
    assert_eq!(count(&db, &mine).await, 10);
}

#[tokio::test]
async fn a_missing_trust_row_counts_as_level_zero_and_is_created() {
    let (db, pool) = setup().await;
    let ann = UserId::generate();
    db.run_sql(&format!(
        "INSERT INTO users (id, handle, email, display_name) \
         VALUES ('{ann}', 'ann', 'ann@example.com', 'ann')"
    ))
    .await;
    let uow = uow(&pool);

    let stored = create(&uow, ann, &["NOTRUSTROW01"]).await.unwrap();

    assert_eq!(stored.created_by, Some(ann), "the creator is the user");
    assert_eq!(stored.invite_type, InviteType::Standard);
    assert_eq!(invites_sent(&pool, ann).await, 1, "the row was created");
    let level0 = format!("user_trust_scores WHERE user_id = '{ann}' AND trust_level = 0");
    assert_eq!(count(&db, &level0).await, 1);
}

#[tokio::test]
async fn revoking_does_not_give_quota_back() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    let uow = uow(&pool);
    let repo = PgInviteRepo::new(pool.clone());
    for i in 0..3 {
        create(&uow, ann, &[&format!("REVOKEDQ000{i}")])
            .await
            .unwrap();
    }

    assert!(repo.revoke("REVOKEDQ0000", ann).await.unwrap());

    let refused = create(&uow, ann, &["REVOKEDQ0003"]).await;
    assert!(quota_reached(&refused, 3), "{refused:?}");
    assert_eq!(invites_sent(&pool, ann).await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creations_never_exceed_the_quota() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    let uow = uow(&pool);
    let barrier = Arc::new(Barrier::new(6));

    let tasks: Vec<_> = (0..6)
        .map(|i| {
            let (uow, barrier) = (uow.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                create(&uow, ann, &[&format!("CONCURRENT0{i}")]).await
            })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        let got = task.await.unwrap();
        if got.is_ok() {
            created += 1;
        } else if !quota_reached(&got, 3) {
            panic!("unexpected: {got:?}");
        }
    }

    assert_eq!(created, 3);
    assert_eq!(invites_sent(&pool, ann).await, 3);
    let mine = format!("invite_codes WHERE created_by = '{ann}'");
    assert_eq!(count(&db, &mine).await, 3);
}

#[tokio::test]
async fn a_colliding_code_is_retried_and_ten_collisions_cost_no_quota() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    db.run_sql(
        "INSERT INTO invite_codes (code, expires_at) VALUES ('TAKENCODE001', now() + interval '7 days')",
    )
    .await;
    let uow = uow(&pool);

    let stored = create(&uow, ann, &["TAKENCODE001", "FRESHCODE001"])
        .await
        .unwrap();
    assert_eq!(stored.code, "FRESHCODE001");
    assert_eq!(invites_sent(&pool, ann).await, 1);
    let untouched = "invite_codes WHERE code = 'TAKENCODE001' AND created_by IS NULL";
    assert_eq!(count(&db, untouched).await, 1);

    let err = create(&uow, ann, &["TAKENCODE001"; 10]).await.unwrap_err();
    assert!(matches!(err, AppError::Internal(_)), "{err:?}");
    assert_eq!(invites_sent(&pool, ann).await, 1, "rolled back");
    assert_eq!(count(&db, "invite_codes").await, 2);
}
