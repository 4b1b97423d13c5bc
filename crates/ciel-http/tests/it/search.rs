//! `/v1/search/users` and `/v1/search/posts`: case-insensitive literal substring matches,
//! deleted users and hidden or non-public posts left out, pages, and the `q` rules.

use crate::posts::{encode, new_post};
use crate::{assert_error, json};
use ciel_testkit::{TestApp, TestUser};
use reqwest::Method;
use serde_json::{Value, json};

async fn search(app: &TestApp, user: &TestUser, what: &str, query: &str) -> reqwest::Response {
    app.as_user(user, Method::GET, &format!("/v1/search/{what}?{query}"))
        .send()
        .await
        .unwrap()
}

fn field(page: &Value, key: &str) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i[key].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn users_match_handle_or_display_name_literally() {
    let app = TestApp::spawn().await;
    let me = app.user("searcher").await;
    let ann_x = app.user("ann_x").await;
    app.user("annax").await;
    let pct = app.user("percent").await;
    let gone = app.user("ann_gone").await;
    let res = app
        .as_user(&pct, Method::PATCH, &format!("/v1/users/{}", pct.id))
        .json(&json!({"display_name": "100% Real"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    app.user("hundred").await;
    let res = app
        .as_user(&gone, Method::DELETE, "/v1/account")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);

    // Case-insensitive substring on the handle; deleted users left out; newest first.
    let page = json(search(&app, &me, "users", "q=ANN").await).await;
    assert_eq!(field(&page, "handle"), ["annax", "ann_x"]);
    let first = &page["items"][1];
    assert_eq!(first["id"], ann_x.id);
    assert_eq!(first["display_name"], "ann_x display");
    assert_eq!(first["avatar_url"], Value::Null);
    assert_eq!(first["followers_count"], 0);
    assert!(first.get("email").is_none());
    // `_` and `%` are literal.
    let page = json(search(&app, &me, "users", "q=n_").await).await;
    assert_eq!(field(&page, "handle"), ["ann_x"]);
    let page = json(search(&app, &me, "users", "q=0%25").await).await;
    assert_eq!(field(&page, "handle"), ["percent"], "display name match");
    // Pages of one, exactly once.
    let p1 = json(search(&app, &me, "users", "q=ann&limit=1").await).await;
    assert_eq!(field(&p1, "handle"), ["annax"]);
    let cursor = encode(p1["next_cursor"].as_str().unwrap());
    let p2 = json(
        search(
            &app,
            &me,
            "users",
            &format!("q=ann&limit=1&cursor={cursor}"),
        )
        .await,
    )
    .await;
    assert_eq!(field(&p2, "handle"), ["ann_x"]);
    assert_eq!(p2["next_cursor"], Value::Null);

    rules_for_q(&app, &me, "users").await;
}

async fn rules_for_q(app: &TestApp, me: &TestUser, what: &str) {
    for (query, message) in [
        ("q=%20a%20", "q must be at least 2 characters"),
        ("q=", "q must be at least 2 characters"),
        (
            &format!("q={}", "a".repeat(101)) as &str,
            "q must be at most 100 characters",
        ),
        ("limit=5", "q is required"),
        ("q=ab&limit=0", "limit must be between 1 and 200"),
        ("q=ab&cursor=bad", "invalid cursor"),
    ] {
        assert_error(search(app, me, what, query).await, 400, message).await;
    }
    assert_eq!(
        search(app, me, what, &format!("q={}", "a".repeat(100)))
            .await
            .status(),
        200
    );
    assert_error(
        app.get(&format!("/v1/search/{what}?q=abc")).await,
        401,
        "missing Authorization header",
    )
    .await;
}

#[tokio::test]
async fn posts_match_public_visible_captions_literally() {
    let app = TestApp::spawn().await;
    let me = app.user("searcher").await;
    let ann = app.user("ann").await;
    let foe = app.user("foe").await;
    let gone = app.user("gone").await;
    let old = new_post(&app, &ann, "Sunset at the BEACH").await;
    let new = new_post(&app, &ann, "beach_day 100% fun").await;
    let private = new_post(&app, &ann, "secret beach").await;
    new_post(&app, &ann, "beachXday").await;
    new_post(&app, &foe, "foe beach").await;
    new_post(&app, &gone, "gone beach").await;
    app.db
        .run_sql(&format!(
            "UPDATE posts SET visibility = 'followers_only' WHERE id = '{}'; \
             INSERT INTO follows (follower_id, followee_id) VALUES ('{}', '{}'); \
             INSERT INTO blocks (blocker_id, blocked_id) VALUES ('{}', '{}');",
            private["id"].as_str().unwrap(),
            me.id,
            ann.id,
            foe.id,
            me.id
        ))
        .await;
    let res = app
        .as_user(&gone, Method::DELETE, "/v1/account")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);

    // Public only (even for a follower), no blocked or deleted owners, newest first.
    let page = json(search(&app, &me, "posts", "q=beach").await).await;
    let captions = field(&page, "caption");
    assert_eq!(
        captions,
        ["beachXday", "beach_day 100% fun", "Sunset at the BEACH"]
    );
    let item = &page["items"][2];
    assert_eq!(item["id"], old["id"]);
    assert_eq!(item["primary_media"]["id"], old["media_ids"][0]);
    assert_eq!(item["visibility"], "Public");
    assert!(item.get("like_count").is_none());
    // Literal `_` and `%`.
    let page = json(search(&app, &me, "posts", "q=h_d").await).await;
    assert_eq!(field(&page, "id"), [new["id"].as_str().unwrap()]);
    let page = json(search(&app, &me, "posts", "q=0%25%20f").await).await;
    assert_eq!(field(&page, "id"), [new["id"].as_str().unwrap()]);
    // Someone the blocker never blocked still sees foe's post.
    let page = json(search(&app, &ann, "posts", "q=foe").await).await;
    assert_eq!(field(&page, "caption"), ["foe beach"]);
    // Pages of two, exactly once.
    let p1 = json(search(&app, &me, "posts", "q=beach&limit=2").await).await;
    let cursor = encode(p1["next_cursor"].as_str().unwrap());
    let p2 = json(
        search(
            &app,
            &me,
            "posts",
            &format!("q=beach&limit=2&cursor={cursor}"),
        )
        .await,
    )
    .await;
    let mut both = field(&p1, "caption");
    both.extend(field(&p2, "caption"));
    assert_eq!(both, captions);
    assert_eq!(p2["next_cursor"], Value::Null);

    rules_for_q(&app, &me, "posts").await;
}
