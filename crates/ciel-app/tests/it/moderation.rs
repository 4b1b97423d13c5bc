//! `ModerationService` reports and takedowns over Postgres: each writes its audit row and its
//! trust change (applied by the use case) in the same transaction (contract §2.9, §3.5).

use crate::{count, lit, now, setup, uow, user};
use ciel_app::{AppError, ModerationService};
use ciel_domain::ports::TrustRepo;
use ciel_domain::time::Timestamp;
use ciel_domain::trust::TrustRecord;
use ciel_domain::{PostId, UserId};
use ciel_storage::PgPool;
use ciel_storage::repos::{PgModerationRepo, PgTrustRepo};
use ciel_testkit::TestDb;
use std::sync::Arc;
use uuid::Uuid;

/// The service over `pool`.
fn service(pool: PgPool) -> ModerationService {
    ModerationService::new(Arc::new(PgModerationRepo::new(pool.clone())), uow(&pool))
}

/// Whether `got` failed with exactly `expected` (variant and message).
fn failed<T: std::fmt::Debug>(got: &Result<T, AppError>, expected: &AppError) -> bool {
    match got {
        Err(err) => format!("{err:?}") == format!("{expected:?}"),
        Ok(_) => false,
    }
}

/// Takes `post` down: `true` when done, `false` on the 404 for a missing post.
async fn took_down_post(
    svc: &ModerationService,
    post: PostId,
    actor: Option<UserId>,
    reason: Option<&str>,
    now: Timestamp,
) -> bool {
    match svc.take_down_post_at(post, actor, reason, now).await {
        Ok(()) => true,
        Err(AppError::NotFound(m)) if m == "post not found" => false,
        Err(other) => panic!("unexpected: {other:?}"),
    }
}

/// Takes `comment` down: `true` when done, `false` on the 404 for a missing comment.
async fn took_down_comment(
    svc: &ModerationService,
    comment: Uuid,
    actor: Option<UserId>,
    reason: Option<&str>,
    now: Timestamp,
) -> bool {
    match svc.take_down_comment_at(comment, actor, reason, now).await {
        Ok(()) => true,
        Err(AppError::NotFound(m)) if m == "comment not found" => false,
        Err(other) => panic!("unexpected: {other:?}"),
    }
}

/// Inserts a post by `owner`.
async fn post(db: &TestDb, owner: UserId) -> PostId {
    let id = PostId::generate();
    db.run_sql(&format!(
        "INSERT INTO posts (id, owner_id, caption) VALUES ('{id}', '{owner}', 'hello')"
    ))
    .await;
    id
}

/// Inserts a comment by `author` on `post`.
async fn comment(db: &TestDb, author: UserId, post: PostId) -> Uuid {
    let id = Uuid::new_v4();
    db.run_sql(&format!(
        "INSERT INTO comments (id, user_id, post_id, body) VALUES ('{id}', '{author}', '{post}', 'hi')"
    ))
    .await;
    id
}

/// Sets the user's trust points.
async fn set_points(db: &TestDb, user: UserId, points: i32) {
    db.run_sql(&format!(
        "UPDATE user_trust_scores SET trust_points = {points} WHERE user_id = '{user}'"
    ))
    .await;
}

/// The user's trust record.
async fn trust(pool: &PgPool, user: UserId) -> TrustRecord {
    PgTrustRepo::new(pool.clone())
        .get(user)
        .await
        .unwrap()
        .expect("trust row")
}

/// `IS NULL` or `= '…'` for an optional id.
fn is(id: Option<UserId>) -> String {
    id.map_or_else(|| "IS NULL".to_owned(), |id| format!("= '{id}'"))
}

/// Counts audit rows with these fields.
async fn audits(
    db: &TestDb,
    actor: Option<UserId>,
    target_type: &str,
    target: impl std::fmt::Display,
    reason: &str,
) -> i64 {
    let actor = is(actor);
    count(
        db,
        &format!(
            "moderation_actions WHERE actor_id {actor} AND target_type = '{target_type}' \
             AND target_id = '{target}' AND reason IS NOT DISTINCT FROM {reason}"
        ),
    )
    .await
}

#[tokio::test]
async fn a_user_report_is_stored_audited_and_costs_the_target() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    let ben = user(&db, "ben").await;
    set_points(&db, ben, 100).await;
    let repo = service(pool.clone());
    let now = now();

    let flag = repo
        .flag_user_at(ann, ben, Some("spam"), now)
        .await
        .unwrap();

    assert_eq!(flag.reporter_id, ann);
    assert_eq!(flag.target_id, ben);
    assert_eq!(flag.reason.as_deref(), Some("spam"));
    assert_eq!(flag.created_at, now);
    let stored = format!(
        "user_flags WHERE id = '{}' AND reporter_id = '{ann}' AND target_id = '{ben}' \
         AND reason = 'spam' AND created_at = {}",
        flag.id,
        lit(now)
    );
    assert_eq!(count(&db, &stored).await, 1);
    assert_eq!(audits(&db, Some(ann), "user_flag", ben, "'spam'").await, 1);
    let ben_trust = trust(&pool, ben).await;
    assert_eq!((ben_trust.points, ben_trust.flags_received), (90, 1));
    assert_eq!(
        trust(&pool, ann).await.points,
        0,
        "the reporter is untouched"
    );

    // Without a reason.
    let carl = user(&db, "carl").await;
    let flag = repo.flag_user_at(carl, ben, None, now).await.unwrap();
    assert_eq!(flag.reason, None);
    assert_eq!(audits(&db, Some(carl), "user_flag", ben, "NULL").await, 1);
    let ben_trust = trust(&pool, ben).await;
    assert_eq!((ben_trust.points, ben_trust.flags_received), (80, 2));
}

#[tokio::test]
async fn a_repeated_user_report_is_a_duplicate_and_changes_nothing() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    let ben = user(&db, "ben").await;
    set_points(&db, ben, 100).await;
    let repo = service(pool.clone());
    repo.flag_user_at(ann, ben, Some("spam"), now())
        .await
        .unwrap();

    let again = repo.flag_user_at(ann, ben, Some("again"), now()).await;

    assert!(
        failed(
            &again,
            &AppError::Conflict("you have already reported this user".into())
        ),
        "{again:?}"
    );
    assert_eq!(count(&db, "user_flags").await, 1);
    assert_eq!(count(&db, "moderation_actions").await, 1);
    let ben_trust = trust(&pool, ben).await;
    assert_eq!((ben_trust.points, ben_trust.flags_received), (90, 1));
    // The other direction is a different report.
    repo.flag_user_at(ben, ann, None, now()).await.unwrap();
}

#[tokio::test]
async fn missing_deleted_or_own_user_targets_are_refused() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    let gone = user(&db, "gone").await;
    db.run_sql(&format!(
        "UPDATE users SET deleted_at = now() WHERE id = '{gone}'"
    ))
    .await;
    let repo = service(pool.clone());

    let missing = repo
        .flag_user_at(ann, UserId::generate(), None, now())
        .await;
    assert!(
        failed(&missing, &AppError::NotFound("user not found".into())),
        "{missing:?}"
    );
    let deleted = repo.flag_user_at(ann, gone, None, now()).await;
    assert!(
        failed(&deleted, &AppError::NotFound("user not found".into())),
        "{deleted:?}"
    );
    let own = repo.flag_user_at(ann, ann, None, now()).await;
    assert!(
        failed(&own, &AppError::Invalid("cannot report yourself".into())),
        "{own:?}"
    );

    assert_eq!(count(&db, "user_flags").await, 0);
    assert_eq!(count(&db, "moderation_actions").await, 0);
    assert_eq!(trust(&pool, gone).await.flags_received, 0);
    assert_eq!(trust(&pool, ann).await.flags_received, 0);
}

#[tokio::test]
async fn the_tenth_report_on_a_user_is_a_strike() {
    let (db, pool) = setup().await;
    let ben = user(&db, "ben").await;
    set_points(&db, ben, 1000).await;
    let repo = service(pool.clone());
    let mut reporters = Vec::new();
    for i in 0..10 {
        reporters.push(user(&db, &format!("reporter{i}")).await);
    }

    for reporter in &reporters[..9] {
        repo.flag_user_at(*reporter, ben, None, now())
            .await
            .unwrap();
    }
    let before = trust(&pool, ben).await;
    assert_eq!((before.flags_received, before.strikes), (9, 0));
    assert_eq!(before.points, 910);
    repo.flag_user_at(reporters[9], ben, None, now())
        .await
        .unwrap();

    let after = trust(&pool, ben).await;
    assert_eq!(
        (after.flags_received, after.strikes),
        (11, 1),
        "a strike counts as one more flag"
    );
    assert_eq!(after.points, 1000 - 100 - 50);
    assert_eq!(after.banned_until, None, "one strike does not ban");
    assert_eq!(count(&db, "moderation_actions").await, 10);
}

#[tokio::test]
async fn a_post_report_is_stored_audited_and_costs_the_owner() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    let ben = user(&db, "ben").await;
    set_points(&db, ben, 15).await;
    let post = post(&db, ben).await;
    let repo = service(pool.clone());
    let now = now();

    let flag = repo
        .flag_post_at(ann, post, Some("nsfw"), now)
        .await
        .unwrap();

    assert_eq!(flag.reporter_id, ann);
    assert_eq!(flag.post_id, post);
    assert_eq!(flag.reason.as_deref(), Some("nsfw"));
    assert_eq!(flag.created_at, now);
    let stored = format!(
        "post_flags WHERE id = '{}' AND reporter_id = '{ann}' AND post_id = '{post}' \
         AND reason = 'nsfw'",
        flag.id
    );
    assert_eq!(count(&db, &stored).await, 1);
    assert_eq!(audits(&db, Some(ann), "post_flag", post, "'nsfw'").await, 1);
    let ben_trust = trust(&pool, ben).await;
    assert_eq!((ben_trust.points, ben_trust.flags_received), (5, 1));

    let again = repo.flag_post_at(ann, post, None, now).await;
    assert!(
        failed(
            &again,
            &AppError::Conflict("you have already reported this post".into())
        ),
        "{again:?}"
    );
    let ben_trust = trust(&pool, ben).await;
    assert_eq!((ben_trust.points, ben_trust.flags_received), (5, 1));
    assert_eq!(count(&db, "moderation_actions").await, 1);
}

#[tokio::test]
async fn own_missing_or_orphaned_posts_cannot_be_reported() {
    let (db, pool) = setup().await;
    let ann = user(&db, "ann").await;
    let gone = user(&db, "gone").await;
    let own = post(&db, ann).await;
    let orphaned = post(&db, gone).await;
    db.run_sql(&format!(
        "UPDATE users SET deleted_at = now() WHERE id = '{gone}'"
    ))
    .await;
    let repo = service(pool.clone());

    let mine = repo.flag_post_at(ann, own, None, now()).await;
    assert!(
        failed(
            &mine,
            &AppError::Invalid("cannot report your own post".into())
        ),
        "{mine:?}"
    );
    let missing = repo
        .flag_post_at(ann, PostId::generate(), None, now())
        .await;
    assert!(
        failed(&missing, &AppError::NotFound("post not found".into())),
        "{missing:?}"
    );
    let deleted_owner = repo.flag_post_at(ann, orphaned, None, now()).await;
    assert!(
        failed(&deleted_owner, &AppError::NotFound("post not found".into())),
        "{deleted_owner:?}"
    );

    assert_eq!(count(&db, "post_flags").await, 0);
    assert_eq!(count(&db, "moderation_actions").await, 0);
    assert_eq!(trust(&pool, ann).await.flags_received, 0);
}

#[tokio::test]
async fn a_post_takedown_deletes_audits_and_costs_the_owner() {
    let (db, pool) = setup().await;
    let admin = user(&db, "admin").await;
    let ann = user(&db, "ann").await;
    let ben = user(&db, "ben").await;
    set_points(&db, ben, 30).await;
    let first = post(&db, ben).await;
    let second = post(&db, ben).await;
    comment(&db, ann, first).await;
    let repo = service(pool.clone());
    repo.flag_post_at(ann, first, None, now()).await.unwrap();
    assert_eq!(trust(&pool, ben).await.points, 20);

    assert!(took_down_post(&repo, first, None, Some("illegal"), now()).await);

    assert_eq!(count(&db, &format!("posts WHERE id = '{first}'")).await, 0);
    assert_eq!(count(&db, "comments").await, 0, "cascaded");
    assert_eq!(count(&db, "post_flags").await, 0, "cascaded");
    assert_eq!(audits(&db, None, "post", first, "'illegal'").await, 1);
    let ben_trust = trust(&pool, ben).await;
    assert_eq!(ben_trust.points, 0, "20 − 25 stops at 0");
    assert_eq!(ben_trust.flags_received, 1, "a takedown is not a flag");

    set_points(&db, ben, 100).await;
    assert!(took_down_post(&repo, second, Some(admin), None, now()).await);
    assert_eq!(audits(&db, Some(admin), "post", second, "NULL").await, 1);
    assert_eq!(trust(&pool, ben).await.points, 75);
    assert_eq!(
        trust(&pool, admin).await.points,
        0,
        "the actor is untouched"
    );
}

#[tokio::test]
async fn taking_down_a_missing_post_changes_nothing() {
    let (db, pool) = setup().await;
    let admin = user(&db, "admin").await;
    let repo = service(pool);

    assert!(!took_down_post(&repo, PostId::generate(), Some(admin), None, now()).await);
    assert_eq!(count(&db, "moderation_actions").await, 0);
}

#[tokio::test]
async fn a_comment_takedown_deletes_audits_and_costs_the_author() {
    let (db, pool) = setup().await;
    let admin = user(&db, "admin").await;
    let ann = user(&db, "ann").await;
    let ben = user(&db, "ben").await;
    set_points(&db, ann, 40).await;
    set_points(&db, ben, 40).await;
    let post = post(&db, ben).await;
    let rude = comment(&db, ann, post).await;
    let kept = comment(&db, ann, post).await;
    let repo = service(pool.clone());

    assert!(took_down_comment(&repo, rude, Some(admin), Some("abuse"), now()).await);

    assert_eq!(
        count(&db, &format!("comments WHERE id = '{rude}'")).await,
        0
    );
    assert_eq!(
        count(&db, &format!("comments WHERE id = '{kept}'")).await,
        1
    );
    assert_eq!(count(&db, "posts").await, 1, "the post stays");
    assert_eq!(
        audits(&db, Some(admin), "comment", rude, "'abuse'").await,
        1
    );
    assert_eq!(trust(&pool, ann).await.points, 15, "the author pays");
    assert_eq!(trust(&pool, ben).await.points, 40, "not the post owner");

    assert!(took_down_comment(&repo, kept, None, None, now()).await);
    assert_eq!(audits(&db, None, "comment", kept, "NULL").await, 1);
    assert_eq!(trust(&pool, ann).await.points, 0, "never below 0");

    assert!(!took_down_comment(&repo, Uuid::new_v4(), None, None, now()).await);
    assert!(!took_down_comment(&repo, rude, None, None, now()).await);
    assert_eq!(count(&db, "moderation_actions").await, 2);
}
