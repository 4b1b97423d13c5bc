//! Bearer requests are answered from a short-lived in-process cache of "is this account active"
//! (and its trust level): a ban or deletion made on an instance applies there at once, and on
//! the other instances within `AUTH_CACHE_TTL_MS`; a trust promotion made elsewhere reaches an
//! instance within the same bound.

use ciel_testkit::{TestApp, TestAppBuilder};
use reqwest::Method;
use std::time::{Duration, Instant};

async fn me(app: &TestApp, user: &ciel_testkit::TestUser) -> u16 {
    app.as_user(user, Method::GET, "/v1/auth/me")
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Polls `/auth/me` until it answers 401, for at most `within`; returns how long it took.
async fn refused_within(
    app: &TestApp,
    user: &ciel_testkit::TestUser,
    within: Duration,
) -> Duration {
    let started = Instant::now();
    loop {
        if me(app, user).await == 401 {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "still accepted after {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test]
async fn a_deletion_applies_at_once_on_its_instance() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    assert_eq!(me(&app, &ann).await, 200, "now cached as active");
    let res = app
        .as_user(&ann, Method::DELETE, "/v1/account")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(me(&app, &ann).await, 401, "no waiting for the cache");
}

#[tokio::test]
async fn other_instances_refuse_a_deleted_or_banned_user_within_the_bound() {
    let a = TestApp::spawn().await;
    let ttl = Duration::from_millis(1_500);
    let b = TestAppBuilder::beside(&a)
        .env("AUTH_CACHE_TTL_MS", &ttl.as_millis().to_string())
        .spawn()
        .await;
    let ann = a.user("ann").await;
    let bob = a.user("bob").await;
    assert_eq!(me(&b, &ann).await, 200);
    assert_eq!(me(&b, &bob).await, 200);

    // Deleted on instance A: B stops accepting within its bound.
    let res = a
        .as_user(&ann, Method::DELETE, "/v1/account")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    refused_within(&b, &ann, ttl + Duration::from_secs(3)).await;

    // Banned by a write B did not make (an operator, another instance): the same bound.
    a.db.run_sql(&format!(
        "UPDATE user_trust_scores SET banned_until = now() + interval '7 days' \
         WHERE user_id = '{}'",
        bob.id
    ))
    .await;
    refused_within(&b, &bob, ttl + Duration::from_secs(3)).await;
    assert_eq!(me(&a, &bob).await, 401);
}

#[tokio::test]
async fn within_the_bound_the_answer_comes_from_the_cache() {
    let a = TestApp::spawn().await;
    let b = TestAppBuilder::beside(&a)
        .env("AUTH_CACHE_TTL_MS", "60000")
        .spawn()
        .await;
    let ann = a.user("ann").await;
    assert_eq!(me(&b, &ann).await, 200);
    let res = a
        .as_user(&ann, Method::DELETE, "/v1/account")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(me(&a, &ann).await, 401, "at once where it happened");
    // B has not asked Postgres since: it still holds the answer it had (60 s bound). The
    // handler itself reads the account, so it answers 404, not 401.
    assert_eq!(me(&b, &ann).await, 404);
    let off = TestAppBuilder::beside(&a)
        .env("AUTH_CACHE_TTL_MS", "0")
        .spawn()
        .await;
    assert_eq!(me(&off, &ann).await, 401, "0 asks Postgres every time");
}

async fn level(app: &TestApp, user: &ciel_testkit::TestUser) -> String {
    let res = app
        .as_user(user, Method::GET, "/v1/account/rate-limits")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    body["trust_level"]
        .as_str()
        .expect("trust_level")
        .to_owned()
}

#[tokio::test]
async fn a_trust_promotion_reaches_other_instances_within_the_bound() {
    let a = TestApp::spawn().await;
    let ttl = Duration::from_millis(1_500);
    let b = TestAppBuilder::beside(&a)
        .env("AUTH_CACHE_TTL_MS", &ttl.as_millis().to_string())
        .spawn()
        .await;
    let slow = TestAppBuilder::beside(&a)
        .env("AUTH_CACHE_TTL_MS", "60000")
        .spawn()
        .await;
    let ann = a.user("ann").await;
    assert_eq!(level(&b, &ann).await, "New");
    assert_eq!(level(&slow, &ann).await, "New");

    // Promoted by a write these instances did not make (the cleanup run elsewhere, points
    // earned through another instance, an operator).
    a.db.run_sql(&format!(
        "UPDATE user_trust_scores SET trust_level = 1, trust_points = 60 WHERE user_id = '{}'",
        ann.id
    ))
    .await;
    let started = Instant::now();
    while level(&b, &ann).await != "Basic" {
        assert!(
            started.elapsed() < ttl + Duration::from_secs(3),
            "still New after {:?}",
            started.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    // The level is served from the cache within its bound: the 60 s instance still says New.
    assert_eq!(level(&slow, &ann).await, "New");
}
