//! Credentials, the active check, counts, profile updates and account deletion.

use super::{HASH, count, lit, now, setup, user};
use chrono::Duration;
use ciel_domain::UserId;
use ciel_domain::accounts::{Bio, DisplayName};
use ciel_domain::ports::AccountRepo;
use ciel_domain::users::{Credentials, ProfilePatch};
use ciel_storage::repos::PgAccountRepo;

#[tokio::test]
async fn credentials_match_email_or_handle_and_carry_deletion_and_ban() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    let ben = user(&db, "ben").await;
    let until = now() + Duration::days(7);
    db.run_sql(&format!(
        "UPDATE users SET deleted_at = now() WHERE id = '{ben}'; \
         UPDATE user_trust_scores SET banned_until = {} WHERE user_id = '{ann}'",
        lit(until)
    ))
    .await;
    let repo = PgAccountRepo::new(pool);
    let expected = Credentials {
        user_id: ann,
        password_hash: HASH.into(),
        deleted: false,
        banned_until: Some(until),
    };

    assert_eq!(
        repo.credentials("ann@example.com").await.unwrap(),
        Some(expected.clone())
    );
    assert_eq!(repo.credentials("ann").await.unwrap(), Some(expected));
    let ben_creds = repo.credentials("ben").await.unwrap().unwrap();
    assert!(ben_creds.deleted);
    assert_eq!(ben_creds.banned_until, None);
    assert_eq!(repo.credentials("ANN").await.unwrap(), None, "exact match");
    assert_eq!(repo.credentials("nobody").await.unwrap(), None);
}

#[tokio::test]
async fn credentials_without_a_trust_row_are_not_banned() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    db.run_sql("DELETE FROM user_trust_scores").await;
    let creds = PgAccountRepo::new(pool)
        .credentials("ann")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((creds.user_id, creds.banned_until), (ann, None));
}

#[tokio::test]
async fn only_live_unbanned_accounts_are_active() {
    let (db, pool) = setup().await;
    let [live, deleted, banned, ban_over, no_trust] = [
        user(&db, "live").await,
        user(&db, "gone").await,
        user(&db, "banned").await,
        user(&db, "served").await,
        user(&db, "bare").await,
    ];
    db.run_sql(&format!(
        "UPDATE users SET deleted_at = now() WHERE id = '{deleted}'; \
         UPDATE user_trust_scores SET banned_until = now() + interval '1 day' WHERE user_id = '{banned}'; \
         UPDATE user_trust_scores SET banned_until = now() - interval '1 day' WHERE user_id = '{ban_over}'; \
         DELETE FROM user_trust_scores WHERE user_id = '{no_trust}';"
    ))
    .await;
    let repo = PgAccountRepo::new(pool);
    let now = now();
    for (id, active) in [
        (live, true),
        (deleted, false),
        (banned, false),
        (ban_over, true),
        (no_trust, true),
        (UserId::generate(), false),
    ] {
        assert_eq!(repo.is_active(id, now).await.unwrap(), active, "{id}");
    }
}

#[tokio::test]
async fn counts_exclude_deleted_users() {
    let (db, pool) = setup().await;
    let [ann, ben, cid, dee] = [
        user(&db, "ann").await,
        user(&db, "ben").await,
        user(&db, "cid").await,
        user(&db, "dee").await,
    ];
    db.run_sql(&format!(
        "INSERT INTO follows (follower_id, followee_id) VALUES \
           ('{ben}', '{ann}'), ('{cid}', '{ann}'), ('{dee}', '{ann}'), \
           ('{ann}', '{ben}'), ('{ann}', '{cid}'), ('{ben}', '{cid}'); \
         UPDATE users SET deleted_at = now() WHERE id = '{cid}'; \
         INSERT INTO posts (owner_id) VALUES ('{ann}'), ('{ann}'), ('{ben}');"
    ))
    .await;
    let repo = PgAccountRepo::new(pool);
    let counts = repo.counts(ann).await.unwrap();
    assert_eq!(
        (counts.followers, counts.following, counts.posts),
        (2, 1, 2)
    );
    // The profile's one statement gives the row and the same counts, for each user; a deleted
    // account still has its row (the use case answers 404), an unknown one has none.
    for id in [ann, ben, cid, dee] {
        let (user, counts) = repo.profile(id).await.unwrap().expect("a row");
        assert_eq!(user, repo.find(id).await.unwrap().unwrap());
        assert_eq!(counts, repo.counts(id).await.unwrap(), "{}", user.handle);
    }
    let (ben_user, ben_counts) = repo.profile(ben).await.unwrap().unwrap();
    assert_eq!(
        (ben_counts.followers, ben_counts.following, ben_counts.posts),
        (1, 1, 1),
        "{}",
        ben_user.handle
    );
    assert!(
        repo.profile(cid)
            .await
            .unwrap()
            .unwrap()
            .0
            .deleted_at
            .is_some()
    );
    assert_eq!(repo.profile(UserId::generate()).await.unwrap(), None);
}

#[tokio::test]
async fn profile_updates_set_only_the_given_fields() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    let repo = PgAccountRepo::new(pool);
    let before = repo.find(ann).await.unwrap().unwrap();

    let bio_only = ProfilePatch {
        bio: Some(Bio::parse("hello").unwrap()),
        ..ProfilePatch::default()
    };
    let after = repo.update_profile(ann, &bio_only).await.unwrap().unwrap();
    assert_eq!(after.bio.as_deref(), Some("hello"));
    assert_eq!(after.display_name, before.display_name);
    assert_eq!(after.avatar_key, None);

    let rest = ProfilePatch {
        display_name: Some(DisplayName::parse("Ann A.").unwrap()),
        bio: Some(Bio::parse("").unwrap()),
        avatar_key: Some("avatars/a.png".into()),
    };
    let after = repo.update_profile(ann, &rest).await.unwrap().unwrap();
    assert_eq!(after.display_name, "Ann A.");
    assert_eq!(after.bio.as_deref(), Some(""), "an empty bio is stored");
    assert_eq!(after.avatar_key.as_deref(), Some("avatars/a.png"));

    let unchanged = repo
        .update_profile(ann, &ProfilePatch::default())
        .await
        .unwrap();
    assert_eq!(unchanged, Some(after.clone()));
    assert_eq!(repo.find(ann).await.unwrap(), Some(after));

    db.run_sql("UPDATE users SET deleted_at = now()").await;
    assert_eq!(repo.update_profile(ann, &bio_only).await.unwrap(), None);
    assert_eq!(
        repo.update_profile(ann, &ProfilePatch::default())
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        repo.update_profile(UserId::generate(), &bio_only)
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn deleting_an_account_ends_sessions_and_cuts_every_edge() {
    let (db, pool) = setup().await;
    let [ann, ben, cid] = [
        user(&db, "ann").await,
        user(&db, "ben").await,
        user(&db, "cid").await,
    ];
    let earlier = now() - Duration::hours(1);
    db.run_sql(&format!(
        "INSERT INTO refresh_tokens (user_id, token_hash, expires_at, revoked_at) VALUES \
           ('{ann}', 'a1', now() + interval '1 day', NULL), \
           ('{ann}', 'a2', now() + interval '1 day', {earlier}), \
           ('{ben}', 'b1', now() + interval '1 day', NULL); \
         INSERT INTO follows (follower_id, followee_id) VALUES \
           ('{ann}', '{ben}'), ('{cid}', '{ann}'), ('{ben}', '{cid}'); \
         INSERT INTO blocks (blocker_id, blocked_id) VALUES \
           ('{ann}', '{cid}'), ('{ben}', '{ann}'), ('{cid}', '{ben}');",
        earlier = lit(earlier)
    ))
    .await;
    let repo = PgAccountRepo::new(pool);
    let now = now();

    assert!(repo.delete_account(ann, now).await.unwrap());

    let deleted = repo.find(ann).await.unwrap().unwrap();
    assert_eq!(deleted.deleted_at, Some(now));
    let revoked_now = format!(
        "refresh_tokens WHERE token_hash = 'a1' AND revoked_at = {}",
        lit(now)
    );
    assert_eq!(count(&db, &revoked_now).await, 1);
    let kept = format!(
        "refresh_tokens WHERE token_hash = 'a2' AND revoked_at = {}",
        lit(earlier)
    );
    assert_eq!(
        count(&db, &kept).await,
        1,
        "an old revocation keeps its time"
    );
    assert_eq!(
        count(
            &db,
            "refresh_tokens WHERE token_hash = 'b1' AND revoked_at IS NULL"
        )
        .await,
        1
    );
    let ann_edges = format!(
        "(SELECT follower_id AS a, followee_id AS b FROM follows UNION ALL \
          SELECT blocker_id, blocked_id FROM blocks) e WHERE '{ann}' IN (a, b)"
    );
    assert_eq!(count(&db, &ann_edges).await, 0);
    assert_eq!(count(&db, "follows").await, 1, "others' follows stay");
    assert_eq!(count(&db, "blocks").await, 1, "others' blocks stay");

    assert!(
        !repo.delete_account(ann, now).await.unwrap(),
        "already deleted"
    );
    assert_eq!(repo.find(ann).await.unwrap().unwrap().deleted_at, Some(now));
    assert!(!repo.delete_account(UserId::generate(), now).await.unwrap());
}
