//! Refresh rotation (`ciel_app::sessions::rotate`) over Postgres: reuse detection, deleted
//! and banned users, and concurrent rotations of one token (contract §3.7).

use crate::{count, lit, now, setup, uow, user};
use chrono::Duration;
use ciel_app::sessions;
use ciel_domain::UserId;
use ciel_domain::ports::{NewRefreshToken, RefreshTokenRepo, RotateOutcome};
use ciel_domain::time::Timestamp;
use ciel_storage::PgUnitOfWork;
use ciel_storage::repos::PgRefreshTokenRepo;
use ciel_testkit::TestDb;
use std::sync::Arc;
use tokio::sync::Barrier;
use uuid::Uuid;

/// The token store (for issuing) and the unit of work (for rotating).
struct Stores {
    tokens: PgRefreshTokenRepo,
    uow: Arc<PgUnitOfWork>,
}

impl Stores {
    fn new(pool: ciel_storage::PgPool) -> Self {
        Self {
            uow: uow(&pool),
            tokens: PgRefreshTokenRepo::new(pool),
        }
    }

    async fn insert(&self, token: &NewRefreshToken) -> Result<(), ciel_domain::ports::RepoError> {
        self.tokens.insert(token).await
    }

    async fn revoke(
        &self,
        hash: &str,
        now: Timestamp,
    ) -> Result<(), ciel_domain::ports::RepoError> {
        self.tokens.revoke(hash, now).await
    }

    async fn rotate(
        &self,
        jti: Uuid,
        user: UserId,
        hash: &str,
        next: &NewRefreshToken,
        now: Timestamp,
    ) -> Result<RotateOutcome, ciel_app::AppError> {
        sessions::rotate(&*self.uow, jti, user, hash.to_owned(), next.clone(), now).await
    }
}

fn token(user: UserId, hash: &str) -> NewRefreshToken {
    NewRefreshToken {
        id: Uuid::new_v4(),
        user_id: user,
        token_hash: hash.into(),
        expires_at: now() + Duration::days(30),
    }
}

async fn rotate(
    repo: &Stores,
    old: &NewRefreshToken,
    next: &NewRefreshToken,
    now: Timestamp,
) -> RotateOutcome {
    repo.rotate(old.id, old.user_id, &old.token_hash, next, now)
        .await
        .unwrap()
}

async fn unrevoked(db: &TestDb, user: UserId) -> i64 {
    count(
        db,
        &format!("refresh_tokens WHERE user_id = '{user}' AND revoked_at IS NULL"),
    )
    .await
}

#[tokio::test]
async fn rotation_revokes_the_old_row_and_links_the_new_one() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    let repo = Stores::new(pool);
    let (old, next) = (token(ann, "h1"), token(ann, "h2"));
    repo.insert(&old).await.unwrap();
    let now = now();

    assert_eq!(
        rotate(&repo, &old, &next, now).await,
        RotateOutcome::Rotated
    );

    let replaced = format!(
        "refresh_tokens WHERE id = '{}' AND revoked_at = {} AND replaced_by = '{}'",
        old.id,
        lit(now),
        next.id
    );
    assert_eq!(count(&db, &replaced).await, 1);
    let stored = format!(
        "refresh_tokens WHERE id = '{}' AND user_id = '{ann}' AND token_hash = 'h2' \
         AND expires_at = {} AND revoked_at IS NULL",
        next.id,
        lit(next.expires_at)
    );
    assert_eq!(count(&db, &stored).await, 1);
}

#[tokio::test]
async fn rotation_needs_the_unexpired_row_of_that_jti_user_and_hash() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    let ben = user(&db, "ben").await;
    let repo = Stores::new(pool);
    let live = token(ann, "live");
    let mut expired = token(ann, "expired");
    expired.expires_at = now() - Duration::seconds(1);
    repo.insert(&live).await.unwrap();
    repo.insert(&expired).await.unwrap();
    let next = token(ann, "next");
    let now = now();
    let attempts = [
        (live.id, ann, "wrong"),
        (Uuid::new_v4(), ann, "live"),
        (live.id, ben, "live"),
        (expired.id, ann, "expired"),
    ];
    for (jti, user, hash) in attempts {
        let got = repo.rotate(jti, user, hash, &next, now).await.unwrap();
        assert_eq!(got, RotateOutcome::NotFound, "{jti} {user} {hash}");
    }
    assert_eq!(
        unrevoked(&db, ann).await,
        2,
        "nothing revoked, nothing added"
    );
}

#[tokio::test]
async fn replaying_a_revoked_token_ends_every_session() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    let ben = user(&db, "ben").await;
    let repo = Stores::new(pool);
    let (first, second, other_session) = (token(ann, "a1"), token(ann, "a2"), token(ann, "a3"));
    let bens = token(ben, "b1");
    for t in [&first, &other_session, &bens] {
        repo.insert(t).await.unwrap();
    }
    assert_eq!(
        rotate(&repo, &first, &second, now()).await,
        RotateOutcome::Rotated
    );

    let replay = token(ann, "a4");
    assert_eq!(
        rotate(&repo, &first, &replay, now()).await,
        RotateOutcome::Reused
    );
    assert_eq!(unrevoked(&db, ann).await, 0);
    assert_eq!(
        unrevoked(&db, ben).await,
        1,
        "other users keep their sessions"
    );
    assert_eq!(
        count(&db, "refresh_tokens WHERE token_hash = 'a4'").await,
        0
    );

    // A token revoked by logout is reused too.
    let (b2, b3) = (token(ben, "b2"), token(ben, "b3"));
    repo.insert(&b2).await.unwrap();
    repo.revoke("b1", now()).await.unwrap();
    assert_eq!(
        rotate(&repo, &bens, &b3, now()).await,
        RotateOutcome::Reused
    );
    assert_eq!(unrevoked(&db, ben).await, 0);
}

#[tokio::test]
async fn deleted_and_banned_users_cannot_rotate() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    let ben = user(&db, "ben").await;
    let cid = user(&db, "cid").await;
    db.run_sql(&format!(
        "UPDATE users SET deleted_at = now() WHERE id = '{ann}'; \
         UPDATE user_trust_scores SET banned_until = now() + interval '1 day' WHERE user_id = '{ben}'; \
         UPDATE user_trust_scores SET banned_until = now() - interval '1 day' WHERE user_id = '{cid}';"
    ))
    .await;
    let repo = Stores::new(pool);
    let cases = [
        (ann, RotateOutcome::UserDeleted),
        (ben, RotateOutcome::Banned),
        (cid, RotateOutcome::Rotated),
    ];
    for (user, outcome) in cases {
        let (old, next) = (
            token(user, &format!("{user}-1")),
            token(user, &format!("{user}-2")),
        );
        repo.insert(&old).await.unwrap();
        assert_eq!(rotate(&repo, &old, &next, now()).await, outcome, "{user}");
        if outcome != RotateOutcome::Rotated {
            assert_eq!(
                unrevoked(&db, user).await,
                1,
                "{user}: the old row stays live"
            );
            assert_eq!(
                count(&db, &format!("refresh_tokens WHERE id = '{}'", next.id)).await,
                0
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_rotations_of_one_token_rotate_once() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    let repo = Arc::new(Stores::new(pool));
    // Several rounds, each released at once by a barrier, so the rotations really overlap.
    for round in 0..10 {
        let old = token(ann, &format!("old{round}"));
        repo.insert(&old).await.unwrap();
        let start = Arc::new(Barrier::new(2));
        let tasks: Vec<_> = ["a", "b"]
            .into_iter()
            .map(|side| {
                let next = token(ann, &format!("next{round}{side}"));
                let (repo, old, start) = (Arc::clone(&repo), old.clone(), Arc::clone(&start));
                tokio::spawn(async move {
                    start.wait().await;
                    rotate(&repo, &old, &next, now()).await
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.unwrap());
        }
        outcomes.sort_by_key(|o| format!("{o:?}"));
        assert_eq!(
            outcomes,
            [RotateOutcome::Reused, RotateOutcome::Rotated],
            "round {round}"
        );
        assert_eq!(
            unrevoked(&db, ann).await,
            0,
            "round {round}: the reuse ended the winner's session too"
        );
    }
    assert_eq!(
        count(&db, "refresh_tokens").await,
        20,
        "one new row a round"
    );
}
