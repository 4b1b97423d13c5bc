//! `/v1/posts` and `/v1/users/:id/posts`: creation rules, reads with counts, edits, deletion,
//! visibility (followers-only via SQL fixtures, blocks, deleted owners), pagination and the
//! home-feed invalidation of the author and their followers.

use crate::{assert_error, assert_error_shape, json};
use ciel_cache::RedisCache;
use ciel_domain::ports::Cache;
use ciel_testkit::{TestApp, TestUser, redis_url};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;

/// Creates a post with one fresh media through the API; returns the Post JSON.
pub async fn new_post(app: &TestApp, user: &TestUser, caption: &str) -> Value {
    let media = app.completed_media(user).await;
    let res = app
        .as_user(user, Method::POST, "/v1/posts")
        .json(&json!({"media_ids": [media], "caption": caption}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "create post");
    json(res).await
}

/// `GET path` as `user`, or anonymously.
pub async fn get_as(app: &TestApp, user: Option<&TestUser>, path: &str) -> reqwest::Response {
    match user {
        Some(u) => app.as_user(u, Method::GET, path).send().await.unwrap(),
        None => app.get(path).await,
    }
}

async fn create(app: &TestApp, user: &TestUser, body: Value) -> reqwest::Response {
    app.as_user(user, Method::POST, "/v1/posts")
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn creating_a_post_follows_the_contract() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let (m1, m2) = (
        app.completed_media(&ann).await,
        app.completed_media(&ann).await,
    );
    let res = create(
        &app,
        &ann,
        json!({"media_ids": [m2, m1], "caption": "hello"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let post = json(res).await;
    assert_eq!(post["owner_id"], ann.id);
    assert_eq!(post["owner_handle"], "ann");
    assert_eq!(post["owner_display_name"], "ann display");
    assert_eq!(post["media_ids"], json!([m2, m1]), "order preserved");
    assert_eq!(post["caption"], "hello");
    assert_eq!(post["visibility"], "Public");
    assert!(post["created_at"].as_str().unwrap().ends_with('Z'));
    for absent in [
        "primary_media",
        "like_count",
        "comment_count",
        "liked_by_viewer",
        "owner_avatar_key",
    ] {
        assert!(post.get(absent).is_none(), "{absent} in {post}");
    }
    // No caption at all is fine and null; visibility in the request is ignored.
    let res = create(
        &app,
        &ann,
        json!({"media_ids": [m1], "visibility": "FollowersOnly"}),
    )
    .await;
    let bare = json(res).await;
    assert_eq!(bare["caption"], Value::Null);
    assert_eq!(bare["visibility"], "Public");
    // Trust: +5 and posts_count per post, in the same transaction.
    let trust = json(
        app.as_user(&ann, Method::GET, "/v1/account/trust-score")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(trust["posts_count"], 2);
    assert_eq!(trust["trust_points"], 10);

    // The contract's 400s, in its order.
    let eleven: Vec<String> = (0..11).map(|_| uuid::Uuid::new_v4().to_string()).collect();
    let cases = [
        (
            json!({"media_ids": []}),
            "at least one media_id is required",
        ),
        (json!({"media_ids": eleven}), "maximum 10 images per post"),
        (json!({"media_ids": [m1, m1]}), "media_ids must be unique"),
        (
            json!({"media_ids": [m1], "caption": "é".repeat(1101)}),
            "caption must be at most 2200 characters",
        ),
        (
            json!({"media_ids": [uuid::Uuid::new_v4()]}),
            "invalid media_id",
        ),
        (
            json!({"media_ids": [m1, bob_media(&app, &bob).await]}),
            "invalid media_id",
        ),
    ];
    for (body, message) in cases {
        assert_error(create(&app, &ann, body.clone()).await, 400, message).await;
    }
    // A caption of exactly 2200 bytes is fine.
    let res = create(
        &app,
        &ann,
        json!({"media_ids": [m1], "caption": "é".repeat(1100)}),
    )
    .await;
    assert_eq!(res.status(), 200);
    // Shapes: missing field or wrong types are 422, broken JSON 400, no token 401.
    for body in [
        json!({}),
        json!({"media_ids": "x"}),
        json!({"media_ids": ["not-a-uuid"]}),
        json!({"media_ids": [m1], "caption": 5}),
    ] {
        assert_error_shape(create(&app, &ann, body).await, 422).await;
    }
    let res = app
        .as_user(&ann, Method::POST, "/v1/posts")
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_error_shape(res, 400).await;
    let res = app
        .post_json("/v1/posts", &json!({"media_ids": [m1]}))
        .await;
    assert_error(res, 401, "missing Authorization header").await;
}

async fn bob_media(app: &TestApp, bob: &TestUser) -> String {
    app.completed_media(bob).await
}

#[tokio::test]
async fn one_post_reads_edits_and_deletes() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let post = new_post(&app, &ann, "first").await;
    let id = post["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/posts/{id}");

    let anon = json(app.get(&path).await).await;
    assert_eq!(anon["like_count"], 0);
    assert_eq!(anon["comment_count"], 0);
    assert!(anon.get("liked_by_viewer").is_none(), "{anon}");
    let media = &anon["primary_media"];
    assert_eq!(media["id"], post["media_ids"][0]);
    assert_eq!(media["owner_id"], ann.id);
    assert_eq!(media["width"], 1200);
    assert!(media["thumb_url"].as_str().unwrap().starts_with("http"));
    let seen = json(get_as(&app, Some(&bob), &path).await).await;
    assert_eq!(seen["liked_by_viewer"], false);
    // An invalid token is served as anonymous.
    let res = app
        .client
        .get(app.url(&path))
        .header("authorization", "Bearer nope")
        .send()
        .await
        .unwrap();
    assert!(json(res).await.get("liked_by_viewer").is_none());

    // PATCH: {} leaves the caption, a string sets it, null clears it; no counts.
    let patch = |user: &TestUser, body: &str| {
        app.as_user(user, Method::PATCH, &path)
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
    };
    let same = json(patch(&ann, "{}").await.unwrap()).await;
    assert_eq!(same["caption"], "first");
    assert!(same.get("like_count").is_none());
    let res = app
        .as_user(&ann, Method::PATCH, &path)
        .send()
        .await
        .unwrap();
    assert_eq!(json(res).await["caption"], "first", "empty body = {{}}");
    let set = json(patch(&ann, r#"{"caption": "second"}"#).await.unwrap()).await;
    assert_eq!(set["caption"], "second");
    assert_eq!(set["media_ids"], post["media_ids"]);
    let cleared = json(patch(&ann, r#"{"caption": null}"#).await.unwrap()).await;
    assert_eq!(cleared["caption"], Value::Null);
    let long = format!(r#"{{"caption": "{}"}}"#, "a".repeat(2201));
    assert_error(
        patch(&ann, &long).await.unwrap(),
        400,
        "caption must be at most 2200 characters",
    )
    .await;
    assert_error(
        patch(&bob, r#"{"caption": "mine"}"#).await.unwrap(),
        404,
        "post not found",
    )
    .await;
    assert_error(patch(&bob, "{}").await.unwrap(), 404, "post not found").await;
    assert_error_shape(patch(&ann, r#"{"caption": 5}"#).await.unwrap(), 422).await;

    // DELETE: only the owner; the media stays usable (its row is kept).
    let del = |user: &TestUser, p: &str| app.as_user(user, Method::DELETE, p).send();
    assert_error(del(&bob, &path).await.unwrap(), 404, "post not found").await;
    assert_eq!(del(&ann, &path).await.unwrap().status(), 204);
    assert_error(del(&ann, &path).await.unwrap(), 404, "post not found").await;
    assert_error(app.get(&path).await, 404, "post not found").await;
    let again = create(&app, &ann, json!({"media_ids": [post["media_ids"][0]]})).await;
    assert_eq!(
        again.status(),
        200,
        "media row kept after the post's deletion"
    );

    // Unknown and malformed ids, wrong methods.
    let missing = format!("/v1/posts/{}", uuid::Uuid::new_v4());
    assert_error(app.get(&missing).await, 404, "post not found").await;
    assert_error(app.get("/v1/posts/not-a-uuid").await, 400, "invalid id").await;
    assert_error(
        del(&ann, "/v1/posts/not-a-uuid").await.unwrap(),
        400,
        "invalid id",
    )
    .await;
    let res = app
        .as_user(&ann, Method::PUT, &missing)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    let res = app
        .client
        .patch(app.url(&missing))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn hidden_posts_look_missing_everywhere() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let fan = app.user("fan").await;
    let stranger = app.user("stranger").await;
    let foe = app.user("foe").await;
    let public = new_post(&app, &ann, "public").await;
    let private = new_post(&app, &ann, "followers only").await;
    let (pub_id, priv_id) = (
        public["id"].as_str().unwrap().to_owned(),
        private["id"].as_str().unwrap().to_owned(),
    );
    app.db
        .run_sql(&format!(
            "UPDATE posts SET visibility = 'followers_only' WHERE id = '{priv_id}'; \
             INSERT INTO follows (follower_id, followee_id) VALUES ('{}', '{}'); \
             INSERT INTO blocks (blocker_id, blocked_id) VALUES ('{}', '{}');",
            fan.id, ann.id, ann.id, foe.id
        ))
        .await;
    let listed = |v: Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let list_path = format!("/v1/users/{}/posts", ann.id);
    let single = |id: &str| format!("/v1/posts/{id}");

    // Followers-only: owner and follower see it, anonymous and strangers get 404.
    for viewer in [Some(&ann), Some(&fan)] {
        let post = json(get_as(&app, viewer, &single(&priv_id)).await).await;
        assert_eq!(post["visibility"], "FollowersOnly");
        assert_eq!(
            listed(json(get_as(&app, viewer, &list_path).await).await),
            [priv_id.clone(), pub_id.clone()]
        );
    }
    for viewer in [None, Some(&stranger)] {
        assert_error(
            get_as(&app, viewer, &single(&priv_id)).await,
            404,
            "post not found",
        )
        .await;
        assert_eq!(
            listed(json(get_as(&app, viewer, &list_path).await).await),
            std::slice::from_ref(&pub_id)
        );
    }
    // Engagement on a hidden post is 404 too.
    engagement_is_hidden(&app, &stranger, &priv_id).await;

    // A block (the owner blocked foe) hides everything from foe, and from the owner foe's.
    let foe_post = new_post(&app, &foe, "foe's").await;
    let foe_id = foe_post["id"].as_str().unwrap().to_owned();
    for id in [&pub_id, &priv_id] {
        assert_error(
            get_as(&app, Some(&foe), &single(id)).await,
            404,
            "post not found",
        )
        .await;
        engagement_is_hidden(&app, &foe, id).await;
    }
    assert!(listed(json(get_as(&app, Some(&foe), &list_path).await).await).is_empty());
    assert_error(
        get_as(&app, Some(&ann), &single(&foe_id)).await,
        404,
        "post not found",
    )
    .await;
    engagement_is_hidden(&app, &ann, &foe_id).await;
    // Anonymous callers have no block relation.
    assert_eq!(json(app.get(&single(&foe_id)).await).await["id"], foe_id);

    // A deleted owner's posts vanish for everyone, anonymous callers included.
    let res = app
        .as_user(&foe, Method::DELETE, "/v1/account")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_error(app.get(&single(&foe_id)).await, 404, "post not found").await;
    assert_error(
        get_as(&app, Some(&stranger), &single(&foe_id)).await,
        404,
        "post not found",
    )
    .await;
    let foe_list = json(app.get(&format!("/v1/users/{}/posts", foe.id)).await).await;
    assert_eq!(foe_list, json!({"items": [], "next_cursor": null}));
}

/// Like, like list, comment and comment list answer 404 `post not found` for `user`.
async fn engagement_is_hidden(app: &TestApp, user: &TestUser, post: &str) {
    let req = |m: Method, p: String| app.as_user(user, m, &p);
    let res = req(Method::POST, format!("/v1/posts/{post}/like"))
        .send()
        .await
        .unwrap();
    assert_error(res, 404, "post not found").await;
    let res = req(Method::GET, format!("/v1/posts/{post}/likes"))
        .send()
        .await
        .unwrap();
    assert_error(res, 404, "post not found").await;
    let res = req(Method::POST, format!("/v1/posts/{post}/comment"))
        .json(&json!({"body": "hi"}))
        .send()
        .await
        .unwrap();
    assert_error(res, 404, "post not found").await;
    let res = req(Method::GET, format!("/v1/posts/{post}/comments"))
        .send()
        .await
        .unwrap();
    assert_error(res, 404, "post not found").await;
}

#[tokio::test]
async fn a_users_posts_page_exactly_once_while_new_ones_arrive() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let mut expected = Vec::new();
    for i in 0..7 {
        expected.push(new_post(&app, &ann, &format!("p{i}")).await["id"].clone());
    }
    // Two posts with the same timestamp: the id breaks the tie.
    app.db
        .run_sql(&format!(
            "UPDATE posts SET created_at = (SELECT created_at FROM posts WHERE id = '{}') \
             WHERE id = '{}'",
            expected[3].as_str().unwrap(),
            expected[4].as_str().unwrap()
        ))
        .await;
    let rows =
        json(get_as(&app, None, &format!("/v1/users/{}/posts?limit=200", ann.id)).await).await;
    let expected: Vec<Value> = rows["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    assert_eq!(expected.len(), 7);

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut path = format!("/v1/users/{}/posts?limit=3", ann.id);
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={}", encode(c)));
        }
        let page = json(app.get(&path).await).await;
        for item in page["items"].as_array().unwrap() {
            assert_eq!(item["primary_media"]["id"], item["media_ids"][0]);
            assert!(item.get("like_count").is_none());
            assert!(item.get("owner_avatar_url").is_none(), "ann has no avatar");
            seen.push(item["id"].clone());
        }
        pages += 1;
        // A new post between page fetches never shows up later (it sorts first).
        new_post(&app, &ann, "late").await;
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, expected, "every item exactly once, in order");
    assert_eq!(pages, 3);

    let unknown = json(
        app.get(&format!("/v1/users/{}/posts", uuid::Uuid::new_v4()))
            .await,
    )
    .await;
    assert_eq!(unknown, json!({"items": [], "next_cursor": null}));
    let base = format!("/v1/users/{}/posts", ann.id);
    for (query, message) in [
        ("?limit=0", "limit must be between 1 and 200"),
        ("?limit=201", "limit must be between 1 and 200"),
        ("?limit=abc", "limit must be between 1 and 200"),
        ("?cursor=nope", "invalid cursor"),
    ] {
        assert_error(app.get(&format!("{base}{query}")).await, 400, message).await;
    }
    assert_error(app.get("/v1/users/nope/posts").await, 400, "invalid id").await;
}

/// Percent-encodes a cursor for a query string.
pub fn encode(raw: &str) -> String {
    raw.replace(':', "%3A")
        .replace('/', "%2F")
        .replace('+', "%2B")
}

#[tokio::test]
async fn new_and_deleted_posts_drop_the_home_feeds_of_the_author_and_followers() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let fans: Vec<TestUser> = users_named(&app, &["fan1", "fan2", "fan3"]).await;
    let other = app.user("other").await;
    for fan in &fans {
        app.db
            .run_sql(&format!(
                "INSERT INTO follows (follower_id, followee_id) VALUES ('{}', '{}')",
                fan.id, ann.id
            ))
            .await;
    }
    let cache =
        RedisCache::connect_lazy(&redis_url(), app.env["REDIS_KEY_PREFIX"].clone()).unwrap();
    let key = |u: &TestUser| format!("feed:home:{}", u.id);
    let everyone: Vec<&TestUser> = fans.iter().chain([&ann, &other]).collect();
    let fill = async || {
        for u in &everyone {
            cache
                .set(&key(u), b"page", Duration::from_secs(30))
                .await
                .unwrap();
        }
    };
    let check = async |what: &str| {
        for u in fans.iter().chain([&ann]) {
            assert_eq!(
                cache.get(&key(u)).await.unwrap(),
                None,
                "{what}: {}",
                u.handle
            );
        }
        assert!(
            cache.get(&key(&other)).await.unwrap().is_some(),
            "{what}: a non-follower's feed stays"
        );
    };
    fill().await;
    let post = new_post(&app, &ann, "news").await;
    check("create").await;
    fill().await;
    let res = app
        .as_user(
            &ann,
            Method::DELETE,
            &format!("/v1/posts/{}", post["id"].as_str().unwrap()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    check("delete").await;
}

async fn users_named(app: &TestApp, handles: &[&str]) -> Vec<TestUser> {
    let mut users = Vec::new();
    for h in handles {
        users.push(app.user(h).await);
    }
    users
}
