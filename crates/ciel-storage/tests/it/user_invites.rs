//! `PgInviteRepo` for users' codes: the lifetime quota under the trust-row lock, lookup,
//! listing and revocation (contract §2.3, §3.6).

use crate::accounts::{count, setup, user};
use chrono::Utc;
use ciel_domain::UserId;
use ciel_domain::invites::{InviteType, NewInvite};
use ciel_domain::ports::{CreateInviteError, InviteRepo, RepoError, TrustRepo};
use ciel_storage::repos::{PgInviteRepo, PgTrustRepo};
use ciel_testkit::TestDb;
use std::sync::Arc;
use tokio::sync::Barrier;

/// A week-long standard code `code` by `creator`.
fn code(code: &str, creator: UserId) -> NewInvite {
    NewInvite {
        code: code.into(),
        created_by: Some(creator),
        invite_type: InviteType::Standard,
        expires_at: Utc::now() + chrono::Duration::days(7),
    }
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

/// Inserts a code by SQL with the given creator (`NULL` for none) and age in minutes.
async fn fixture_code(db: &TestDb, code: &str, created_by: &str, minutes_ago: i32) {
    db.run_sql(&format!(
        "INSERT INTO invite_codes (code, created_by, expires_at, created_at) \
         VALUES ('{code}', {created_by}, now() + interval '7 days', \
                 now() - interval '{minutes_ago} minutes')"
    ))
    .await;
}

#[tokio::test]
async fn the_quota_follows_the_level_and_counts_invites_sent() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    let repo = PgInviteRepo::new(pool.clone());

    for i in 0..3 {
        let stored = repo
            .insert_for_user(&code(&format!("LEVELZERO00{i}"), ann), ann)
            .await
            .unwrap();
        assert_eq!(stored.created_by, Some(ann));
        assert_eq!(stored.invite_type, InviteType::Standard);
        assert!(stored.is_valid);
        assert_eq!((stored.use_count, stored.max_uses), (0, 1));
    }
    let refused = repo.insert_for_user(&code("LEVELZERO003", ann), ann).await;
    assert!(
        matches!(refused, Err(CreateInviteError::QuotaReached { limit: 3 })),
        "{refused:?}"
    );
    assert_eq!(
        refused.unwrap_err().to_string(),
        "Maximum invite limit reached for your trust level (3)"
    );
    assert_eq!(repo.find("LEVELZERO003").await.unwrap(), None);
    assert_eq!(invites_sent(&pool, ann).await, 3);

    db.run_sql(&format!(
        "UPDATE user_trust_scores SET trust_level = 1 WHERE user_id = '{ann}'"
    ))
    .await;
    for i in 3..10 {
        repo.insert_for_user(&code(&format!("LEVELONE000{i}"), ann), ann)
            .await
            .unwrap();
    }
    assert!(matches!(
        repo.insert_for_user(&code("LEVELONE0010", ann), ann).await,
        Err(CreateInviteError::QuotaReached { limit: 10 })
    ));
    assert_eq!(invites_sent(&pool, ann).await, 10);
    let mine = format!("invite_codes WHERE created_by = '{ann}'");
    assert_eq!(count(&db, &mine).await, 10);
}

#[tokio::test]
async fn a_user_code_is_standard_and_a_missing_trust_row_counts_as_level_zero() {
    let (db, pool) = setup().await;
    let ann = UserId::generate();
    db.run_sql(&format!(
        "INSERT INTO users (id, handle, email, display_name) \
         VALUES ('{ann}', 'ann', 'ann@example.com', 'ann')"
    ))
    .await;
    let repo = PgInviteRepo::new(pool.clone());
    let odd = NewInvite {
        created_by: None,
        invite_type: InviteType::Admin,
        ..code("NOTRUSTROW01", ann)
    };

    let stored = repo.insert_for_user(&odd, ann).await.unwrap();

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
    let repo = PgInviteRepo::new(pool.clone());
    for i in 0..3 {
        repo.insert_for_user(&code(&format!("REVOKEDQ000{i}"), ann), ann)
            .await
            .unwrap();
    }

    assert!(repo.revoke("REVOKEDQ0000", ann).await.unwrap());

    assert!(matches!(
        repo.insert_for_user(&code("REVOKEDQ0003", ann), ann).await,
        Err(CreateInviteError::QuotaReached { limit: 3 })
    ));
    assert_eq!(invites_sent(&pool, ann).await, 3);
}

#[tokio::test]
async fn concurrent_creations_never_exceed_the_quota() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    let repo = Arc::new(PgInviteRepo::new(pool.clone()));
    let barrier = Arc::new(Barrier::new(6));

    let tasks: Vec<_> = (0..6)
        .map(|i| {
            let (repo, barrier) = (repo.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                repo.insert_for_user(&code(&format!("CONCURRENT0{i}"), ann), ann)
                    .await
            })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => created += 1,
            Err(CreateInviteError::QuotaReached { limit: 3 }) => {}
            Err(other) => panic!("unexpected: {other:?}"),
        }
    }

    assert_eq!(created, 3);
    assert_eq!(invites_sent(&pool, ann).await, 3);
    let mine = format!("invite_codes WHERE created_by = '{ann}'");
    assert_eq!(count(&db, &mine).await, 3);
}

#[tokio::test]
async fn a_colliding_code_is_a_conflict_and_costs_no_quota() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    fixture_code(&db, "TAKENCODE001", "NULL", 0).await;
    let repo = PgInviteRepo::new(pool.clone());

    let err = repo
        .insert_for_user(&code("TAKENCODE001", ann), ann)
        .await
        .unwrap_err();

    assert!(
        matches!(&err, CreateInviteError::Repo(RepoError::Conflict(c)) if c == "invite_codes_pkey"),
        "{err:?}"
    );
    assert_eq!(invites_sent(&pool, ann).await, 0, "rolled back");
}

#[tokio::test]
async fn find_matches_the_exact_code() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    let repo = PgInviteRepo::new(pool);
    let new = code("FINDME000001", ann);
    let stored = repo.insert_for_user(&new, ann).await.unwrap();

    let found = repo.find("FINDME000001").await.unwrap().expect("found");

    assert_eq!(found, stored);
    assert_eq!(found.used_by, None);
    assert_eq!(found.used_at, None);
    assert_eq!(
        repo.find("findme000001").await.unwrap(),
        None,
        "case-sensitive"
    );
    assert_eq!(repo.find("NOSUCHCODE01").await.unwrap(), None);
}

#[tokio::test]
async fn list_by_creator_is_newest_first_and_limited() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    let ben = user(&db, "ben").await;
    fixture_code(&db, "ANNOLDEST001", &format!("'{ann}'"), 30).await;
    fixture_code(&db, "ANNNEWEST001", &format!("'{ann}'"), 1).await;
    fixture_code(&db, "ANNMIDDLE001", &format!("'{ann}'"), 10).await;
    fixture_code(&db, "BENSCODE0001", &format!("'{ben}'"), 5).await;
    fixture_code(&db, "ADMINCODE001", "NULL", 2).await;
    let repo = PgInviteRepo::new(pool);

    let codes = |list: Vec<ciel_domain::invites::Invite>| {
        list.into_iter().map(|i| i.code).collect::<Vec<_>>()
    };
    assert_eq!(
        codes(repo.list_by_creator(ann, 50).await.unwrap()),
        ["ANNNEWEST001", "ANNMIDDLE001", "ANNOLDEST001"]
    );
    assert_eq!(
        codes(repo.list_by_creator(ann, 2).await.unwrap()),
        ["ANNNEWEST001", "ANNMIDDLE001"]
    );
    assert_eq!(
        codes(repo.list_by_creator(ben, 50).await.unwrap()),
        ["BENSCODE0001"]
    );
    let carl = user(&db, "carl").await;
    assert!(repo.list_by_creator(carl, 50).await.unwrap().is_empty());
}

#[tokio::test]
async fn only_the_creator_revokes_a_valid_unused_code() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    let ben = user(&db, "ben").await;
    let repo = PgInviteRepo::new(pool);
    for c in ["REVOKEME0001", "USEDCODE0001"] {
        repo.insert_for_user(&code(c, ann), ann).await.unwrap();
    }
    // Used by a multi-use-style update that leaves is_valid alone: use_count decides.
    db.run_sql(&format!(
        "UPDATE invite_codes SET use_count = 1, used_by = '{ben}', used_at = now() \
         WHERE code = 'USEDCODE0001'"
    ))
    .await;

    assert!(
        !repo.revoke("REVOKEME0001", ben).await.unwrap(),
        "not the creator"
    );
    assert!(repo.find("REVOKEME0001").await.unwrap().unwrap().is_valid);
    assert!(repo.revoke("REVOKEME0001", ann).await.unwrap());
    assert!(!repo.find("REVOKEME0001").await.unwrap().unwrap().is_valid);
    assert!(
        !repo.revoke("REVOKEME0001", ann).await.unwrap(),
        "already invalid"
    );
    assert!(!repo.revoke("USEDCODE0001", ann).await.unwrap(), "used");
    assert!(repo.find("USEDCODE0001").await.unwrap().unwrap().is_valid);
    assert!(!repo.revoke("NOSUCHCODE01", ann).await.unwrap(), "unknown");
}
