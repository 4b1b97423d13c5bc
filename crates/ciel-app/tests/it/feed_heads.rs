//! The followee lock of the head triggers (migration 2026-12-02-000100) under the real use
//! cases: one pair following and unfollowing each other while both post and delete posts, all
//! at once, never deadlocks (every call succeeds) and leaves every stored head exact (without
//! the lock, stale heads show up within the first rounds).

use crate::{count, setup, uow, user};
use ciel_app::{AvatarUrls, CoreDeps, MediaUrls, PostService, SocialService, SystemClock};
use ciel_domain::{MediaId, PostId, UserId};
use futures_util::future::{BoxFuture, FutureExt, join_all};
use std::sync::Arc;

/// One use-case call: a post it wrote (author, id), or nothing; the error's text.
type Call<'a> = BoxFuture<'a, Result<Option<(UserId, PostId)>, String>>;

/// Edges whose stored head differs from the followee's newest post time.
async fn stale_heads(db: &ciel_testkit::TestDb) -> i64 {
    count(
        db,
        "follows f WHERE f.followee_head IS DISTINCT FROM \
           (SELECT max(p.created_at) FROM posts p WHERE p.owner_id = f.followee_id)",
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_pair_following_unfollowing_posting_and_deleting_at_once_never_deadlocks() {
    let (db, pool) = setup().await;
    let deps = CoreDeps {
        uow: uow(&pool),
        cache: None,
        store: None,
        avatars: AvatarUrls::new(None, None),
        media_urls: MediaUrls::new(None),
        clock: Arc::new(SystemClock),
        cards: ciel_app::feed::PostCards::disabled(),
    };
    let social = SocialService::new(deps.clone());
    let posts = PostService::new(deps);
    let (ann, bob) = (user(&db, "ann").await, user(&db, "bob").await);
    let media = |owner: UserId| {
        let db = &db;
        async move {
            let id = db.completed_media(&owner.to_string()).await;
            MediaId::from(uuid::Uuid::parse_str(&id).unwrap())
        }
    };
    let (ann_media, bob_media) = (media(ann).await, media(bob).await);
    let mut written: Vec<(UserId, PostId)> = Vec::new();
    for round in 0..4 {
        let mut calls: Vec<Call<'_>> = Vec::new();
        for i in 0..12 {
            let (who, target) = if i % 2 == 0 { (ann, bob) } else { (bob, ann) };
            let social = &social;
            let follow = (i / 2 + round) % 2 == 0;
            calls.push(
                async move {
                    if follow {
                        social.follow(who, target).await.map(|_| None)
                    } else {
                        social.unfollow(who, target).await.map(|_| None)
                    }
                    .map_err(|e| {
                        format!(
                            "{} {who}: {e:?}",
                            if follow { "follow" } else { "unfollow" }
                        )
                    })
                }
                .boxed(),
            );
        }
        for (owner, media) in [(ann, ann_media), (bob, bob_media)] {
            for k in 0..3 {
                let posts = &posts;
                calls.push(
                    async move {
                        posts
                            .create(owner, vec![media], Some(format!("round {round} post {k}")))
                            .await
                            .map(|view| Some((owner, view.post.id)))
                            .map_err(|e| format!("create {owner}: {e:?}"))
                    }
                    .boxed(),
                );
            }
        }
        // The newest posts of the previous round go again, among everything else.
        for (owner, id) in written.drain(..).rev().take(4) {
            let posts = &posts;
            calls.push(
                async move {
                    posts
                        .delete(owner, id)
                        .await
                        .map(|()| None)
                        .map_err(|e| format!("delete {owner}: {e:?}"))
                }
                .boxed(),
            );
        }
        let outcomes = join_all(calls).await;
        let failures: Vec<&String> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
        assert!(failures.is_empty(), "round {round}: {failures:?}");
        written.extend(outcomes.into_iter().filter_map(|o| o.ok().flatten()));
        assert_eq!(stale_heads(&db).await, 0, "round {round}");
    }
    assert!(count(&db, "posts").await >= 12);
}
