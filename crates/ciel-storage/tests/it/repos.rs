//! Repository adapters and the demo seed against real Postgres.

use chrono::Utc;
use ciel_domain::invites::{InviteType, NewInvite};
use ciel_domain::ports::{InviteRepo, RepoError};
use ciel_storage::demo::{DemoUser, seed_demo_world};
use ciel_storage::repos::PgInviteRepo;
use ciel_storage::{PoolSettings, connect_pool};
use ciel_testkit::TestDb;

#[tokio::test]
async fn invite_codes_are_unique() {
    let db = TestDb::migrated().await;
    let repo = PgInviteRepo::new(connect_pool(db.url(), &PoolSettings::default()).unwrap());
    let invite = NewInvite {
        code: "ABCDEFGHJKLM".into(),
        created_by: None,
        invite_type: InviteType::Admin,
        created_at: Utc::now(),
        expires_at: Utc::now() + chrono::Duration::days(7),
    };
    let stored = repo.insert(&invite).await.unwrap();
    assert_eq!(stored.code, "ABCDEFGHJKLM");
    assert_eq!(stored.invite_type, InviteType::Admin);
    assert!(stored.is_valid);
    assert_eq!((stored.use_count, stored.max_uses), (0, 1));
    assert!(
        matches!(repo.insert(&invite).await, Err(RepoError::Conflict(c)) if c == "invite_codes_pkey")
    );
}

#[tokio::test]
async fn the_demo_seed_is_idempotent() {
    let db = TestDb::migrated().await;
    let pool = connect_pool(db.url(), &PoolSettings::default()).unwrap();
    let users: Vec<DemoUser> = ["ann", "ben"]
        .into_iter()
        .map(|h| DemoUser {
            handle: h.into(),
            email: format!("{h}@example.com"),
            display_name: h.to_uppercase(),
            bio: String::new(),
        })
        .collect();
    let first = seed_demo_world(
        &pool,
        &users,
        "$argon2id$v=19$m=19456,t=2,p=1$x$y",
        "FIRSTCODE001",
    )
    .await
    .unwrap();
    let second = seed_demo_world(
        &pool,
        &users,
        "$argon2id$v=19$m=19456,t=2,p=1$x$y",
        "OTHERCODE002",
    )
    .await
    .unwrap();
    assert_eq!(first.users, second.users, "same users");
    assert_eq!(first.invite_code, "FIRSTCODE001");
    assert_eq!(
        second.invite_code, "FIRSTCODE001",
        "the valid admin invite is reused"
    );
    db.run_sql(
        "DO $$ BEGIN \
           IF (SELECT count(*) FROM follows) <> 2 THEN RAISE EXCEPTION 'follows'; END IF; \
           IF (SELECT count(*) FROM user_trust_scores WHERE followers_count = 1) <> 2 THEN RAISE EXCEPTION 'counts'; END IF; \
           IF (SELECT count(*) FROM invite_codes) <> 1 THEN RAISE EXCEPTION 'invites'; END IF; \
         END $$",
    )
    .await;
}
