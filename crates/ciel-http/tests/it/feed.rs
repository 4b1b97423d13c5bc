//! `GET /v1/feed` and `POST /v1/feed/refresh` (contract §2.6, §3.2): composition, order,
//! pagination while posts are written, errors, the first-page cache (stored bytes served as
//! they are, refresh, only the default limit) and a dead Redis. Posts, follows and blocks are
//! SQL fixtures: their endpoints are built elsewhere.

use crate::{assert_error, json};
use ciel_testkit::{TestApp, TestUser};
use reqwest::Method;
use serde_json::Value;
use uuid::Uuid;

/// A user who never logs in (an author), inserted directly; returns the id.
async fn author(app: &TestApp, handle: &str, avatar: Option<&str>) -> String {
    let id = Uuid::new_v4();
    let avatar = avatar.map_or("NULL".to_owned(), |a| format!("'{a}'"));
    app.db
        .run_sql(&format!(
            "INSERT INTO users (id, handle, email, display_name, avatar_key) \
             VALUES ('{id}', '{handle}', '{handle}@example.com', 'Name {handle}', {avatar})"
        ))
        .await;
    id.to_string()
}

/// Inserts a post of `owner` `secs` seconds after a fixed instant; returns its id.
async fn post(app: &TestApp, owner: &str, secs: i64, visibility: &str) -> String {
    let id = Uuid::new_v4();
    app.db
        .run_sql(&format!(
            "INSERT INTO posts (id, owner_id, caption, visibility, created_at) \
             VALUES ('{id}', '{owner}', 'caption {secs}', '{visibility}', \
                     timestamptz '2026-03-01 00:00:00+00' + {secs} * interval '1 second')"
        ))
        .await;
    id.to_string()
}

async fn follow(app: &TestApp, follower: &str, followee: &str) {
    app.db
        .run_sql(&format!(
            "INSERT INTO follows (follower_id, followee_id) VALUES ('{follower}', '{followee}')"
        ))
        .await;
}

async fn feed(app: &TestApp, user: &TestUser, query: &str) -> reqwest::Response {
    app.as_user(user, Method::GET, &format!("/v1/feed{query}"))
        .send()
        .await
        .unwrap()
}

async fn feed_json(app: &TestApp, user: &TestUser, query: &str) -> Value {
    let res = feed(app, user, query).await;
    assert_eq!(res.status(), 200);
    json(res).await
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn refresh(app: &TestApp, user: &TestUser) -> u16 {
    app.as_user(user, Method::POST, "/v1/feed/refresh")
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn own_and_followed_posts_newest_first_without_blocked_deleted_or_strangers() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = author(&app, "bob", Some("avatars/bob.jpg")).await;
    let carol = author(&app, "carol", None).await;
    let stranger = author(&app, "stranger", None).await;
    let blocks_alice = author(&app, "blocksalice", None).await;
    let blocked = author(&app, "blocked", None).await;
    let gone = author(&app, "gone", None).await;
    let unfollowed = author(&app, "unfollowed", None).await;
    for f in [&bob, &carol, &blocks_alice, &blocked, &gone] {
        follow(&app, &alice.id, f).await;
    }
    app.db
        .run_sql(&format!(
            "INSERT INTO blocks (blocker_id, blocked_id) VALUES ('{blocks_alice}', '{a}'), ('{a}', '{blocked}');\
             UPDATE users SET deleted_at = now() WHERE id = '{gone}';",
            a = alice.id
        ))
        .await;

    let own_hidden = post(&app, &alice.id, 1, "followers_only").await;
    let bob_old = post(&app, &bob, 2, "public").await;
    let carol_fo = post(&app, &carol, 5, "followers_only").await;
    let bob_new = post(&app, &bob, 7, "public").await;
    for other in [&stranger, &blocks_alice, &blocked, &gone, &unfollowed] {
        post(&app, other, 6, "public").await;
    }
    // Followed once, then unfollowed: nothing of theirs.
    follow(&app, &alice.id, &unfollowed).await;
    app.db
        .run_sql(&format!(
            "DELETE FROM follows WHERE follower_id = '{}' AND followee_id = '{unfollowed}'",
            alice.id
        ))
        .await;
    let media = app.completed_media(&alice).await;
    app.db
        .run_sql(&format!(
            "INSERT INTO post_media (post_id, media_id, position) VALUES ('{own_hidden}', '{media}', 0)"
        ))
        .await;

    let page = feed_json(&app, &alice, "").await;
    assert_eq!(
        ids(&page),
        vec![bob_new.clone(), carol_fo, bob_old, own_hidden.clone()]
    );
    assert_eq!(page["next_cursor"], Value::Null);
    let items = page["items"].as_array().unwrap();

    let newest = items[0].as_object().unwrap();
    assert_eq!(newest["owner_id"], bob.as_str());
    assert_eq!(newest["owner_handle"], "bob");
    assert_eq!(newest["owner_display_name"], "Name bob");
    assert_eq!(newest["caption"], "caption 7");
    assert_eq!(newest["visibility"], "Public");
    assert_eq!(newest["created_at"], "2026-03-01T00:00:07.000000Z");
    assert_eq!(newest["media_ids"], serde_json::json!([]));
    let avatar = newest["owner_avatar_url"]
        .as_str()
        .expect("bob has an avatar");
    assert!(avatar.contains("avatars/bob.jpg"), "{avatar}");
    // A feed page has no counts, no like flag, no primary_media and never the raw key.
    let mut keys: Vec<&str> = newest.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "caption",
            "created_at",
            "id",
            "media_ids",
            "owner_avatar_url",
            "owner_display_name",
            "owner_handle",
            "owner_id",
            "visibility"
        ]
    );
    // Followers-only posts of a followee, and the viewer's own, are there; no avatar, no key.
    assert_eq!(items[1]["visibility"], "FollowersOnly");
    assert!(items[1].get("owner_avatar_url").is_none());
    assert_eq!(items[3]["owner_id"], alice.id.as_str());
    assert_eq!(items[3]["media_ids"], serde_json::json!([media]));
}

#[tokio::test]
async fn pages_return_every_post_once_in_order_while_posts_are_written() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = author(&app, "bob", None).await;
    follow(&app, &alice.id, &bob).await;
    // 23 posts with timestamp ties across both authors.
    let mut expected: Vec<(i64, String)> = Vec::new();
    for i in 0..23_i64 {
        let owner = if i % 3 == 0 { &alice.id } else { &bob };
        let secs = i / 2;
        expected.push((secs, post(&app, owner, secs, "public").await));
    }
    expected.sort_by(|a, b| b.cmp(a));
    let expected: Vec<String> = expected.into_iter().map(|(_, id)| id).collect();

    let mut walked = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let query = match &cursor {
            None => "?limit=4".to_owned(),
            Some(c) => format!(
                "?limit=4&cursor={}",
                c.replace(':', "%3A").replace('/', "%2F")
            ),
        };
        let page = feed_json(&app, &alice, &query).await;
        walked.extend(ids(&page));
        pages += 1;
        // Newer posts land between fetches; the walk continues below the cursor.
        post(&app, &bob, 1_000 + pages, "public").await;
        post(&app, &alice.id, 1_000 + pages, "public").await;
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 6);
    assert_eq!(walked, expected);
}

#[tokio::test]
async fn bad_pages_are_400_and_anonymous_callers_401() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    for (query, message) in [
        ("?limit=0", "limit must be between 1 and 200"),
        ("?limit=201", "limit must be between 1 and 200"),
        ("?limit=ten", "limit must be between 1 and 200"),
        ("?cursor=nope", "invalid cursor"),
        (
            "?cursor=2026-01-01T00%3A00%3A00Z%2Fnot-a-uuid",
            "invalid cursor",
        ),
        (
            "?cursor=yesterday%2F550e8400-e29b-41d4-a716-446655440000",
            "invalid cursor",
        ),
    ] {
        assert_error(feed(&app, &alice, query).await, 400, message).await;
    }
    assert_eq!(
        feed_json(&app, &alice, "?limit=200").await["items"],
        serde_json::json!([])
    );
    assert_error(
        app.get("/v1/feed").await,
        401,
        "missing Authorization header",
    )
    .await;
    let res = app
        .client
        .post(app.url("/v1/feed/refresh"))
        .send()
        .await
        .unwrap();
    assert_error(res, 401, "missing Authorization header").await;
    let res = app
        .client
        .get(app.url("/v1/feed"))
        .header("authorization", "Bearer not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = app
        .as_user(&alice, Method::DELETE, "/v1/feed")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
}

async fn cached_bytes(app: &TestApp, user: &TestUser) -> Option<Vec<u8>> {
    let client = redis::Client::open(app.env["REDIS_URL"].as_str()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let key = format!("{}feed:home:{}", app.env["REDIS_KEY_PREFIX"], user.id);
    redis::cmd("GET")
        .arg(&key)
        .query_async(&mut conn)
        .await
        .unwrap()
}

async fn metric(app: &TestApp, result: &str) -> u64 {
    let text = app.metrics_text().await;
    let needle = format!("feed_cache_requests_total{{result=\"{result}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&needle))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {needle} in\n{text}"))
}

#[tokio::test]
async fn the_first_page_is_served_from_the_cache_until_refreshed() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = author(&app, "bob", None).await;
    follow(&app, &alice.id, &bob).await;
    for i in 0..31 {
        post(&app, &bob, i, "public").await;
    }

    let first = feed(&app, &alice, "").await;
    assert_eq!(first.status(), 200);
    let first = first.bytes().await.unwrap().to_vec();
    let page: Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(ids(&page).len(), 30);
    assert!(
        page["next_cursor"].is_string(),
        "the cursor is cached with the page"
    );
    // Stored under the contract's key as the finished body.
    assert_eq!(
        cached_bytes(&app, &alice).await.as_deref(),
        Some(&first[..])
    );

    // A newer post: the cached page is still served, byte for byte, as JSON.
    let newer = post(&app, &bob, 500, "public").await;
    let second = feed(&app, &alice, "").await;
    assert_eq!(second.status(), 200);
    assert!(
        second.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(second.bytes().await.unwrap().to_vec(), first);
    // Other limits and later pages always read Postgres.
    assert_eq!(ids(&feed_json(&app, &alice, "?limit=5").await)[0], newer);
    assert_eq!(metric(&app, "miss").await, 1);
    assert_eq!(metric(&app, "hit").await, 1);

    assert_eq!(refresh(&app, &alice).await, 204);
    assert_eq!(cached_bytes(&app, &alice).await, None);
    let third = feed_json(&app, &alice, "").await;
    assert_eq!(ids(&third)[0], newer);
    assert_eq!(ids(&third).len(), 30);
    assert_eq!(metric(&app, "miss").await, 2);
    assert_eq!(metric(&app, "error").await, 0);
}

#[tokio::test]
async fn a_dead_redis_still_serves_a_correct_feed() {
    let app = TestApp::builder()
        .env("REDIS_URL", "redis://127.0.0.1:9/")
        .spawn()
        .await;
    let alice = app.user("alice").await;
    let bob = author(&app, "bob", Some("avatars/bob.jpg")).await;
    follow(&app, &alice.id, &bob).await;
    let old = post(&app, &bob, 1, "public").await;
    let mine = post(&app, &alice.id, 2, "followers_only").await;

    let page = feed_json(&app, &alice, "").await;
    assert_eq!(ids(&page), vec![mine, old]);
    assert!(page["items"][1]["owner_avatar_url"].is_string());
    // Nothing is cached: a new post shows at once.
    let newer = post(&app, &bob, 3, "public").await;
    assert_eq!(ids(&feed_json(&app, &alice, "").await)[0], newer);
    assert_eq!(refresh(&app, &alice).await, 204);
    assert_eq!(metric(&app, "error").await, 2);
    assert_eq!(metric(&app, "hit").await, 0);
}

async fn patch(app: &TestApp, user: &TestUser, path: &str, body: Value) {
    let res = app
        .as_user(user, Method::PATCH, path)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "PATCH {path}");
}

/// A post is rendered once into a card that every feed showing it shares: a change this instance
/// did not make (here straight in SQL, as another instance's edit would be) shows only when
/// the card expires, while an edit of the caption or of the owner's profile made here shows on
/// the very next page read. `?limit=5` keeps Redis's first-page cache out of the way.
#[tokio::test]
async fn posts_are_rendered_once_and_edits_made_here_show_at_once() {
    let app = TestApp::spawn().await;
    let bob = app.user("bob").await;
    let ann = app.user("ann").await;
    let cat = app.user("cat").await;
    let post_id = post(&app, &bob.id, 1, "public").await;
    follow(&app, &ann.id, &bob.id).await;
    follow(&app, &cat.id, &bob.id).await;
    let first = |page: &Value| page["items"][0].clone();

    let seen = first(&feed_json(&app, &ann, "?limit=5").await);
    assert_eq!(seen["caption"], "caption 1");
    assert_eq!(seen["owner_handle"], "bob");
    assert_eq!(first(&feed_json(&app, &cat, "?limit=5").await), seen);

    app.db
        .run_sql(&format!(
            "UPDATE posts SET caption = 'changed elsewhere' WHERE id = '{post_id}'"
        ))
        .await;
    assert_eq!(
        first(&feed_json(&app, &cat, "?limit=5").await)["caption"],
        "caption 1",
        "the card rendered for ann serves cat too"
    );

    patch(
        &app,
        &bob,
        &format!("/v1/posts/{post_id}"),
        serde_json::json!({"caption": "edited here"}),
    )
    .await;
    assert_eq!(
        first(&feed_json(&app, &cat, "?limit=5").await)["caption"],
        "edited here"
    );

    patch(
        &app,
        &bob,
        &format!("/v1/users/{}", bob.id),
        serde_json::json!({"display_name": "Bobby"}),
    )
    .await;
    let after = first(&feed_json(&app, &ann, "?limit=5").await);
    assert_eq!(after["owner_display_name"], "Bobby");
    assert_eq!(after["caption"], "edited here");
}
