//! Highlights: created on first use, the first story is the cover, appends are ordered and
//! idempotent, only one's own stories (expired ones too), anyone's list is readable.

use super::{all_pages, assert_sql, expire, get, id, story};
use crate::{assert_error, assert_error_shape, json};
use ciel_testkit::{TestApp, TestUser};
use reqwest::Method;
use serde_json::json;

async fn add(app: &TestApp, user: &TestUser, story: &str, name: &str) -> reqwest::Response {
    app.as_user(
        user,
        Method::POST,
        &format!("/v1/stories/{story}/highlights"),
    )
    .json(&json!({ "highlight_name": name }))
    .send()
    .await
    .unwrap()
}

#[tokio::test]
async fn highlights_collect_own_stories_in_order_with_the_first_as_cover() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let first = id(&story(&app, &ann, "Public").await);
    let second = id(&story(&app, &ann, "FriendsOnly").await);
    let third = id(&story(&app, &ann, "Public").await);
    expire(&app, &second).await;

    let res = add(&app, &ann, &first, "Trips").await;
    assert_eq!(res.status(), 200);
    let h = json(res).await;
    assert_eq!(h["user_id"], ann.id.as_str());
    assert_eq!(h["name"], "Trips");
    assert_eq!(h["cover_story_id"], first.as_str());
    assert!(h["created_at"].is_string() && h["updated_at"].is_string());
    // An expired own story may be added; the cover stays the first; adding twice is a no-op.
    let again = json(add(&app, &ann, &second, "Trips").await).await;
    assert_eq!(again["id"], h["id"]);
    assert_eq!(again["cover_story_id"], first.as_str());
    assert_eq!(
        json(add(&app, &ann, &first, "Trips").await).await["id"],
        h["id"]
    );
    assert_eq!(add(&app, &ann, &third, "Trips").await.status(), 200);
    assert_eq!(add(&app, &ann, &second, "Trips").await.status(), 200);
    assert_sql(
        &app,
        &format!(
            "(SELECT array_agg(story_id::text ORDER BY position) FROM story_highlight_items WHERE highlight_id = '{h}') \
             = ARRAY['{first}', '{second}', '{third}'] \
             AND (SELECT array_agg(position ORDER BY position) FROM story_highlight_items WHERE highlight_id = '{h}') = ARRAY[0, 1, 2]",
            h = h["id"].as_str().unwrap()
        ),
    )
    .await;

    // Someone else's story, or a missing one: 404.
    assert_error(
        add(&app, &bob, &first, "Mine").await,
        404,
        "story not found",
    )
    .await;
    assert_error(
        add(&app, &ann, &uuid::Uuid::new_v4().to_string(), "Trips").await,
        404,
        "story not found",
    )
    .await;
    // Names: not blank, at most 50 characters; missing is 422.
    assert_error(
        add(&app, &ann, &first, "  ").await,
        400,
        "highlight_name cannot be empty",
    )
    .await;
    assert_error(
        add(&app, &ann, &first, &"a".repeat(51)).await,
        400,
        "highlight_name must be at most 50 characters",
    )
    .await;
    assert_eq!(add(&app, &ann, &first, &"é".repeat(50)).await.status(), 200);
    let res = app
        .as_user(
            &ann,
            Method::POST,
            &format!("/v1/stories/{first}/highlights"),
        )
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_error_shape(res, 422).await;
    assert_error(add(&app, &ann, "nope", "Trips").await, 400, "invalid id").await;
}

#[tokio::test]
async fn anyones_highlights_page_oldest_first_exactly_once() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let s = id(&story(&app, &ann, "FriendsOnly").await);
    let mut names = Vec::new();
    for i in 0..5 {
        let name = format!("h{i}");
        assert_eq!(add(&app, &ann, &s, &name).await.status(), 200);
        names.push(name);
    }
    let mut extra = 5..8;
    let ids = all_pages(
        &app,
        &bob,
        &format!("/v1/users/{}/highlights?limit=2", ann.id),
        || {
            let next = extra.next();
            let (app, ann, s) = (&app, &ann, s.clone());
            async move {
                if let Some(i) = next {
                    assert_eq!(add(app, ann, &s, &format!("h{i}")).await.status(), 200);
                }
            }
        },
    )
    .await;
    // Oldest first: highlights created while paging come after, so every one appears once.
    let page = json(
        get(
            &app,
            &bob,
            &format!("/v1/users/{}/highlights?limit=200", ann.id),
        )
        .await,
    )
    .await;
    let all: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_owned())
        .collect();
    let listed: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ["h0", "h1", "h2", "h3", "h4", "h5", "h6", "h7"]);
    assert_eq!(ids, all);
    assert_error(
        get(
            &app,
            &bob,
            &format!("/v1/users/{}/highlights?limit=abc", ann.id),
        )
        .await,
        400,
        "limit must be between 1 and 200",
    )
    .await;
    assert_error(
        get(
            &app,
            &bob,
            &format!(
                "/v1/users/{}/highlights?cursor=2024-01-01T00:00:00Z",
                ann.id
            ),
        )
        .await,
        400,
        "invalid cursor",
    )
    .await;
    assert_error(
        app.get(&format!("/v1/users/{}/highlights", ann.id)).await,
        401,
        "missing Authorization header",
    )
    .await;
    assert_error(
        get(&app, &bob, "/v1/users/x/highlights").await,
        400,
        "invalid id",
    )
    .await;
    // An unknown user has none.
    let empty = json(
        get(
            &app,
            &bob,
            &format!("/v1/users/{}/highlights", uuid::Uuid::new_v4()),
        )
        .await,
    )
    .await;
    assert_eq!(empty, json!({"items": [], "next_cursor": null}));
}
