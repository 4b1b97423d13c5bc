//! `PgRefreshTokenRepo` against real Postgres: issuing and revocation. Rotation is a use case
//! (`ciel_app::sessions`), proven over Postgres in `ciel-app`'s tests.

use crate::accounts::{count, lit, now, setup, user};
use chrono::Duration;
use ciel_domain::UserId;
use ciel_domain::ports::{NewRefreshToken, RefreshTokenRepo, RepoError};
use ciel_storage::repos::PgRefreshTokenRepo;
use ciel_testkit::TestDb;
use uuid::Uuid;

fn token(user: UserId, hash: &str) -> NewRefreshToken {
    NewRefreshToken {
        id: Uuid::new_v4(),
        user_id: user,
        token_hash: hash.into(),
        expires_at: now() + Duration::days(30),
    }
}

async fn unrevoked(db: &TestDb, user: UserId) -> i64 {
    count(
        db,
        &format!("refresh_tokens WHERE user_id = '{user}' AND revoked_at IS NULL"),
    )
    .await
}

#[tokio::test]
async fn revoke_marks_only_the_matching_live_row() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    let repo = PgRefreshTokenRepo::new(pool);
    let (a, b) = (token(ann, "a"), token(ann, "b"));
    repo.insert(&a).await.unwrap();
    repo.insert(&b).await.unwrap();
    let first = now() - Duration::minutes(5);

    repo.revoke("a", first).await.unwrap();
    repo.revoke("a", now()).await.unwrap();
    repo.revoke("unknown", now()).await.unwrap();

    let kept = format!(
        "refresh_tokens WHERE token_hash = 'a' AND revoked_at = {}",
        lit(first)
    );
    assert_eq!(
        count(&db, &kept).await,
        1,
        "the first revocation time stays"
    );
    assert_eq!(unrevoked(&db, ann).await, 1);
    assert!(
        matches!(repo.insert(&token(ann, "b")).await, Err(RepoError::Conflict(c)) if c == "refresh_tokens_token_hash_key")
    );
}
