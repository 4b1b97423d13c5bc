//! Sign-up (`ciel_app::signup`): the invite is consumed with the account, in one transaction,
//! or nothing happens.

use super::{account, account_with, count, invite, lit, now, setup, uow, user};
use ciel_app::AppError;
use ciel_app::signup::create_account;
use ciel_domain::invites::InviteProblem;
use ciel_domain::ports::{AccountRepo, TrustRepo};
use ciel_domain::time::Timestamp;
use ciel_domain::trust::TrustLevel;
use ciel_domain::users::{NewAccount, User};
use ciel_storage::PgUnitOfWork;
use ciel_storage::repos::{PgAccountRepo, PgTrustRepo};
use std::sync::Arc;
use tokio::sync::Barrier;

/// Signs `account` up with `code` at `now`.
async fn sign_up(
    uow: &PgUnitOfWork,
    account: &NewAccount,
    code: &str,
    now: Timestamp,
) -> Result<User, AppError> {
    create_account(uow, account.clone(), code.to_owned(), now).await
}

/// Whether `got` is the 400 for `problem`.
fn refused(got: &Result<User, AppError>, problem: InviteProblem) -> bool {
    matches!(got, Err(AppError::Invalid(m)) if *m == problem.to_string())
}

/// Whether `got` is the 409 with `message`.
fn conflict(got: &Result<User, AppError>, message: &str) -> bool {
    matches!(got, Err(AppError::Conflict(m)) if m == message)
}

#[tokio::test]
async fn an_admin_code_creates_the_account_without_lineage() {
    let (db, pool) = setup().await;
    invite(&db, "ADMINCODE001", None).await;
    let repo = PgAccountRepo::new(pool.clone());
    let uow = uow(&pool);
    let now = now();
    let mut new = account("ann");
    new.bio = Some(ciel_domain::accounts::Bio::parse("hi").unwrap());
    new.avatar_key = Some("avatars/ann.jpg".into());

    let user = sign_up(&uow, &new, "ADMINCODE001", now).await.unwrap();

    assert_eq!(user.handle, "ann");
    assert_eq!(user.email, "ann@example.com");
    assert_eq!(user.display_name, "ANN");
    assert_eq!(user.bio.as_deref(), Some("hi"));
    assert_eq!(user.avatar_key.as_deref(), Some("avatars/ann.jpg"));
    assert_eq!((user.created_at, user.deleted_at), (now, None));
    assert_eq!(repo.find(user.id).await.unwrap(), Some(user.clone()));
    let used = format!(
        "invite_codes WHERE code = 'ADMINCODE001' AND use_count = 1 AND used_by = '{}' \
         AND used_at = {} AND NOT is_valid",
        user.id,
        lit(now)
    );
    assert_eq!(count(&db, &used).await, 1, "the code is used up");
    let trust = PgTrustRepo::new(pool).get(user.id).await.unwrap().unwrap();
    assert_eq!((trust.level, trust.points), (TrustLevel::New, 0));
    assert_eq!(count(&db, "invite_relationships").await, 0);
}

#[tokio::test]
async fn a_user_code_records_lineage_and_rewards_the_inviter() {
    let (db, pool) = setup().await;
    let inviter = user(&db, "ann").await;
    invite(&db, "USERCODE0001", Some(inviter)).await;
    let uow = uow(&pool);

    let invitee = sign_up(&uow, &account("ben"), "USERCODE0001", now())
        .await
        .unwrap();

    let lineage = format!(
        "invite_relationships WHERE inviter_id = '{inviter}' AND invitee_id = '{}' \
         AND invite_code = 'USERCODE0001'",
        invitee.id
    );
    assert_eq!(count(&db, &lineage).await, 1);
    let trust = PgTrustRepo::new(pool).get(inviter).await.unwrap().unwrap();
    assert_eq!((trust.points, trust.successful_invites), (10, 1));
}

#[tokio::test]
async fn a_multi_use_code_stays_valid_until_its_last_use() {
    let (db, pool) = setup().await;
    invite(&db, "MULTICODE001", None).await;
    db.run_sql("UPDATE invite_codes SET max_uses = 2").await;
    let uow = uow(&pool);

    sign_up(&uow, &account("ann"), "MULTICODE001", now())
        .await
        .unwrap();
    assert_eq!(
        count(&db, "invite_codes WHERE is_valid AND use_count = 1").await,
        1
    );
    sign_up(&uow, &account("ben"), "MULTICODE001", now())
        .await
        .unwrap();
    assert_eq!(
        count(&db, "invite_codes WHERE NOT is_valid AND use_count = 2").await,
        1
    );
}

#[tokio::test]
async fn an_unusable_code_leaves_nothing_behind() {
    let (db, pool) = setup().await;
    invite(&db, "REVOKEDCODE1", None).await;
    invite(&db, "EXPIREDCODE1", None).await;
    invite(&db, "USEDUPCODE01", None).await;
    db.run_sql(
        "UPDATE invite_codes SET is_valid = false WHERE code = 'REVOKEDCODE1'; \
         UPDATE invite_codes SET expires_at = now() - interval '1 second' WHERE code = 'EXPIREDCODE1'; \
         UPDATE invite_codes SET use_count = 1 WHERE code = 'USEDUPCODE01';",
    )
    .await;
    let uow = uow(&pool);
    let cases = [
        ("NOSUCHCODE01", InviteProblem::Unknown),
        ("revokedcode1", InviteProblem::Unknown),
        ("REVOKEDCODE1", InviteProblem::Revoked),
        ("EXPIREDCODE1", InviteProblem::Expired),
        ("USEDUPCODE01", InviteProblem::FullyUsed),
    ];
    for (code, problem) in cases {
        let got = sign_up(&uow, &account("ann"), code, now()).await;
        assert!(refused(&got, problem), "{code}: {got:?}");
    }
    assert_eq!(count(&db, "users").await, 0);
    assert_eq!(count(&db, "user_trust_scores").await, 0);
    assert_eq!(
        count(&db, "invite_codes WHERE used_by IS NOT NULL").await,
        0
    );
}

#[tokio::test]
async fn taken_handles_and_emails_are_refused_handle_first() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    user(&db, "ben").await;
    let inviter = user(&db, "cid").await;
    invite(&db, "USERCODE0001", Some(inviter)).await;
    let uow = uow(&pool);
    let attempts = [
        (account_with("ann", "new@example.com"), "handle"),
        (account_with("new", "ann@example.com"), "email"),
        (account_with("ann", "ben@example.com"), "handle"),
        (account_with("ben", "ann@example.com"), "handle"),
    ];
    for deleted in [false, true] {
        if deleted {
            db.run_sql(&format!(
                "UPDATE users SET deleted_at = now() WHERE id = '{ann}'"
            ))
            .await;
        }
        for (new, taken) in &attempts {
            let got = sign_up(&uow, new, "USERCODE0001", now()).await;
            let ok = match *taken {
                "handle" => conflict(&got, "Handle already taken"),
                _ => conflict(&got, "Email already taken"),
            };
            assert!(ok, "deleted={deleted} {new:?}: {got:?}");
        }
    }
    assert_eq!(count(&db, "users").await, 3);
    assert_eq!(
        count(&db, "invite_codes WHERE is_valid AND use_count = 0").await,
        1
    );
    assert_eq!(count(&db, "invite_relationships").await, 0);
    let trust = PgTrustRepo::new(pool).get(inviter).await.unwrap().unwrap();
    assert_eq!(trust.points, 0, "the reward rolled back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_sign_ups_on_one_code_admit_exactly_one() {
    let (db, pool) = setup().await;
    invite(&db, "RACECODE0001", None).await;
    let uow = uow(&pool);
    let start = Arc::new(Barrier::new(8));
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let (uow, start) = (Arc::clone(&uow), Arc::clone(&start));
            tokio::spawn(async move {
                start.wait().await;
                sign_up(&uow, &account(&format!("racer{i}")), "RACECODE0001", now()).await
            })
        })
        .collect();
    let mut admitted = 0;
    for task in tasks {
        let got = task.await.unwrap();
        if got.is_ok() {
            admitted += 1;
        } else if !refused(&got, InviteProblem::FullyUsed) && !refused(&got, InviteProblem::Revoked)
        {
            panic!("unexpected refusal: {got:?}");
        }
    }
    assert_eq!(admitted, 1);
    assert_eq!(count(&db, "users").await, 1);
    assert_eq!(count(&db, "invite_codes WHERE use_count = 1").await, 1);
}
