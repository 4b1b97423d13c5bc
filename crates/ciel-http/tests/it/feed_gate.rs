//! `GET /v1/feed` answers the user gate's "is this account active" in its own first-page read
//! when the gate does not know the caller (rate limits off, so nothing before the handler asks):
//! a banned or deleted account is refused with the contract's 401 whether its timeline has rows
//! or not, a cached page is not served to an account that is no longer active, and what the
//! read found is kept by the gate for its bound like an answer of the gate's own query.

use crate::assert_error;
use ciel_testkit::{TestApp, TestAppBuilder, TestUser};
use reqwest::Method;

async fn status(app: &TestApp, user: &TestUser, path: &str) -> u16 {
    app.as_user(user, Method::GET, path)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn feed(app: &TestApp, user: &TestUser) -> u16 {
    status(app, user, "/v1/feed").await
}

/// `user` follows `followee` and `followee` has a post: `user`'s timeline has a row.
async fn with_a_timeline_row(app: &TestApp, user: &TestUser, followee: &TestUser) {
    app.db
        .run_sql(&format!(
            "INSERT INTO follows (follower_id, followee_id) VALUES ('{}', '{}')",
            user.id, followee.id
        ))
        .await;
}

async fn ban(app: &TestApp, user: &TestUser, days: i32) {
    app.db
        .run_sql(&format!(
            "UPDATE user_trust_scores SET banned_until = now() + {days} * interval '1 day' \
             WHERE user_id = '{}'",
            user.id
        ))
        .await;
}

#[tokio::test]
async fn the_first_page_read_refuses_inactive_accounts_and_the_gate_keeps_its_answers() {
    let a = TestApp::spawn().await;
    // The instance under test: its gate has never seen anyone, and keeps answers 60 s.
    let b = TestAppBuilder::beside(&a)
        .env("AUTH_CACHE_TTL_MS", "60000")
        .spawn()
        .await;
    let author = a.user("author").await;
    a.db.run_sql(&format!(
        "INSERT INTO posts (owner_id, caption) VALUES ('{}', 'hello')",
        author.id
    ))
    .await;
    let followed = a.user("followed").await;
    let lonely = a.user("lonely").await;
    let gone = a.user("gone").await;
    let kept = a.user("kept").await;
    for user in [&followed, &gone, &kept] {
        with_a_timeline_row(&a, user, &author).await;
    }

    // Banned or deleted by writes `b` did not make, before `b` ever saw them: refused by the
    // page's own statement (rows) or by the check it falls back to (no rows).
    ban(&a, &followed, 7).await;
    ban(&a, &lonely, 7).await;
    a.db.run_sql(&format!(
        "UPDATE users SET deleted_at = now() WHERE id = '{}'",
        gone.id
    ))
    .await;
    for user in [&followed, &lonely, &gone] {
        let res = b
            .as_user(user, Method::GET, "/v1/feed")
            .send()
            .await
            .unwrap();
        assert_error(res, 401, "invalid or expired token").await;
    }
    // `b` keeps that answer for its bound: the lifted ban is not seen there yet, while an
    // instance that asks Postgres every time sees it at once.
    ban(&a, &followed, -1).await;
    assert_eq!(status(&b, &followed, "/v1/auth/me").await, 401);
    let asks_every_time = TestAppBuilder::beside(&a)
        .env("AUTH_CACHE_TTL_MS", "0")
        .spawn()
        .await;
    assert_eq!(
        status(&asks_every_time, &followed, "/v1/auth/me").await,
        200
    );

    // An active account gets its page, and `b` keeps "active" from that read: a ban made
    // elsewhere afterwards is not seen by `b` within the bound (`/auth/me` reads the account,
    // not the ban), while the instance that asks every time refuses at once.
    assert_eq!(feed(&b, &kept).await, 200);
    ban(&a, &kept, 7).await;
    assert_eq!(status(&b, &kept, "/v1/auth/me").await, 200);
    assert_eq!(status(&asks_every_time, &kept, "/v1/auth/me").await, 401);
}

#[tokio::test]
async fn a_cached_first_page_is_not_served_to_an_account_that_is_no_longer_active() {
    let a = TestApp::spawn().await;
    let author = a.user("author").await;
    let ann = a.user("ann").await;
    with_a_timeline_row(&a, &ann, &author).await;
    assert_eq!(
        feed(&a, &ann).await,
        200,
        "the page is now in the shared Redis"
    );
    ban(&a, &ann, 7).await;
    // A second instance sharing Redis has never checked her: the cache would answer, the
    // gate's query refuses first.
    let b = TestAppBuilder::beside(&a).spawn().await;
    let res = b
        .as_user(&ann, Method::GET, "/v1/feed")
        .send()
        .await
        .unwrap();
    assert_error(res, 401, "invalid or expired token").await;
}
