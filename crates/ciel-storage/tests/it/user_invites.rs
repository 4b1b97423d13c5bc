//! `PgInviteRepo` for users' codes: lookup, listing and revocation (contract §2.3). The quota
//! is a rule of the use case: `ciel-app`'s tests prove it over Postgres.

use crate::accounts::{setup, user};
use chrono::Utc;
use ciel_domain::UserId;
use ciel_domain::invites::{InviteType, NewInvite};
use ciel_domain::ports::InviteRepo;
use ciel_storage::repos::PgInviteRepo;
use ciel_testkit::TestDb;

/// A week-long standard code `code` by `creator`.
fn code(code: &str, creator: UserId) -> NewInvite {
    NewInvite {
        code: code.into(),
        created_by: Some(creator),
        invite_type: InviteType::Standard,
        created_at: Utc::now(),
        expires_at: Utc::now() + chrono::Duration::days(7),
    }
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
async fn find_matches_the_exact_code() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    let repo = PgInviteRepo::new(pool);
    let new = code("FINDME000001", ann);
    let stored = repo.insert(&new).await.unwrap();

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
        repo.insert(&code(c, ann)).await.unwrap();
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
