//! Views, reactions, viewers and metrics: visibility gates, owner-only reads, notifications,
//! and counters that equal their rows under parallel requests.

use super::{all_pages, assert_sql, befriend, expire, follow, get, id, post, story};
use crate::{assert_error, assert_error_shape, json};
use ciel_testkit::{TestApp, TestUser};
use reqwest::Method;
use serde_json::json;

async fn react(app: &TestApp, user: &TestUser, story: &str, emoji: &str) -> reqwest::Response {
    app.as_user(
        user,
        Method::POST,
        &format!("/v1/stories/{story}/reactions"),
    )
    .json(&json!({ "emoji": emoji }))
    .send()
    .await
    .unwrap()
}

async fn unreact(app: &TestApp, user: &TestUser, story: &str) -> reqwest::Response {
    app.as_user(
        user,
        Method::DELETE,
        &format!("/v1/stories/{story}/reactions"),
    )
    .send()
    .await
    .unwrap()
}

async fn story_json(app: &TestApp, user: &TestUser, story: &str) -> serde_json::Value {
    json(get(app, user, &format!("/v1/stories/{story}")).await).await
}

#[tokio::test]
async fn seen_is_idempotent_and_viewers_are_for_the_owner_only() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let cat = app.user("cat").await;
    let eve = app.user("eve").await;
    befriend(&app, &ann, &bob).await;
    follow(&app, &eve, &ann).await;
    let s = id(&story(&app, &ann, "FriendsOnly").await);
    let seen = format!("/v1/stories/{s}/seen");
    for _ in 0..3 {
        assert_eq!(post(&app, &bob, &seen).await.status(), 204);
    }
    assert_eq!(story_json(&app, &ann, &s).await["view_count"], 1);
    // Not visible to eve (one-way follower) nor cat: 404, nothing recorded.
    assert_error(post(&app, &eve, &seen).await, 404, "story not found").await;
    assert_error(
        post(
            &app,
            &cat,
            &format!("/v1/stories/{}/seen", uuid::Uuid::new_v4()),
        )
        .await,
        404,
        "story not found",
    )
    .await;
    assert_eq!(story_json(&app, &ann, &s).await["view_count"], 1);

    let viewers = format!("/v1/stories/{s}/viewers");
    let page = json(get(&app, &ann, &viewers).await).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let v = &page["items"][0];
    assert_eq!(v["viewer_id"], bob.id.as_str());
    assert_eq!(v["viewer_handle"], "bob");
    assert_eq!(v["viewer_display_name"], "bob display");
    assert!(v["viewed_at"].is_string());
    assert!(v.get("viewer_avatar_key").is_none());
    assert_eq!(page["next_cursor"], serde_json::Value::Null);
    // A non-owner who can see it: 403; one who cannot, or a missing story: 404.
    assert_error(
        get(&app, &bob, &viewers).await,
        403,
        "only the story owner can view viewers",
    )
    .await;
    assert_error(get(&app, &eve, &viewers).await, 404, "story not found").await;
    assert_error(
        get(
            &app,
            &ann,
            &format!("/v1/stories/{}/viewers", uuid::Uuid::new_v4()),
        )
        .await,
        404,
        "story not found",
    )
    .await;
    assert_error(
        get(&app, &ann, &format!("{viewers}?limit=0")).await,
        400,
        "limit must be between 1 and 200",
    )
    .await;
    assert_error(
        get(&app, &ann, &format!("{viewers}?cursor=x")).await,
        400,
        "invalid cursor",
    )
    .await;
    assert_error(
        get(&app, &ann, "/v1/stories/zzz/viewers").await,
        400,
        "invalid id",
    )
    .await;

    // After expiry: seen is refused, the owner still reads viewers (and bob gets 404 now).
    expire(&app, &s).await;
    assert_error(post(&app, &cat, &seen).await, 404, "story not found").await;
    assert_eq!(
        json(get(&app, &ann, &viewers).await).await["items"][0]["viewer_id"],
        bob.id.as_str()
    );
    assert_error(get(&app, &bob, &viewers).await, 404, "story not found").await;
}

#[tokio::test]
async fn viewers_page_newest_first_exactly_once_while_views_arrive() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let s = id(&story(&app, &ann, "Public").await);
    let mut users = Vec::new();
    for i in 0..7 {
        let u = app.user(&format!("viewer{i}")).await;
        assert_eq!(
            post(&app, &u, &format!("/v1/stories/{s}/seen"))
                .await
                .status(),
            204
        );
        users.push(u);
    }
    let late: Vec<TestUser> = {
        let mut v = Vec::new();
        for i in 0..3 {
            v.push(app.user(&format!("late{i}")).await);
        }
        v
    };
    let mut late_iter = late.iter();
    let ids = all_pages(
        &app,
        &ann,
        &format!("/v1/stories/{s}/viewers?limit=2"),
        || {
            let next = late_iter.next().cloned();
            let app = &app;
            let s = s.clone();
            async move {
                if let Some(u) = next {
                    assert_eq!(
                        post(app, &u, &format!("/v1/stories/{s}/seen"))
                            .await
                            .status(),
                        204
                    );
                }
            }
        },
    )
    .await;
    // Newer views are ahead of the first page's cursor: the original seven come exactly once,
    // newest first.
    let expected: Vec<String> = users.iter().rev().map(|u| u.id.clone()).collect();
    assert_eq!(ids, expected);
}

#[tokio::test]
async fn reactions_replace_notify_and_count_once() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let cat = app.user("cat").await;
    let eve = app.user("eve").await;
    befriend(&app, &ann, &bob).await;
    befriend(&app, &ann, &cat).await;
    let s = id(&story(&app, &ann, "FriendsOnly").await);

    assert_error(
        react(&app, &bob, &s, "   ").await,
        400,
        "emoji cannot be empty",
    )
    .await;
    assert_error(
        react(&app, &bob, &s, "12345678").await,
        400,
        "emoji must be at most 7 characters",
    )
    .await;
    let res = app
        .as_user(&bob, Method::POST, &format!("/v1/stories/{s}/reactions"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_error_shape(res, 422).await;
    assert_error(react(&app, &eve, &s, "🔥").await, 404, "story not found").await;

    let res = react(&app, &bob, &s, " 🔥 ").await;
    assert_eq!(res.status(), 200);
    let first = json(res).await;
    assert_eq!(first["emoji"], "🔥");
    assert_eq!(first["story_id"], s.as_str());
    assert_eq!(first["user_id"], bob.id.as_str());
    assert_eq!(first["user_handle"], "bob");
    let changed = json(react(&app, &bob, &s, "😍").await).await;
    assert_eq!(changed["id"], first["id"], "replaced, not added");
    assert_eq!(changed["emoji"], "😍");
    assert_eq!(json(react(&app, &cat, &s, "😍").await).await["emoji"], "😍");
    // The owner's own reaction counts but notifies nobody.
    assert_eq!(react(&app, &ann, &s, "👍").await.status(), 200);
    assert_eq!(story_json(&app, &ann, &s).await["reaction_count"], 3);
    // Every successful reaction notified the owner, the emoji change included.
    assert_sql(
        &app,
        &format!(
            "(SELECT count(*) FROM notifications WHERE user_id = '{a}' AND notification_type = 'story_reaction') = 3 \
             AND (SELECT count(*) FROM notifications WHERE user_id = '{a}' AND payload->>'reactor_id' = '{b}' AND payload->>'story_id' = '{s}') = 2 \
             AND EXISTS (SELECT 1 FROM notifications WHERE user_id = '{a}' AND payload->>'emoji' = '😍' AND payload->>'reactor_handle' = 'bob') \
             AND NOT EXISTS (SELECT 1 FROM notifications WHERE payload->>'reactor_id' = '{a}')",
            a = ann.id,
            b = bob.id
        ),
    )
    .await;

    // List: newest first; a deleted user's reaction is left out.
    let list = format!("/v1/stories/{s}/reactions");
    let page = json(get(&app, &bob, &list).await).await;
    let users: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["user_id"].as_str().unwrap())
        .collect();
    assert_eq!(users, [ann.id.as_str(), cat.id.as_str(), bob.id.as_str()]);
    assert_eq!(page["items"][2]["user_handle"], "bob");
    assert_eq!(
        app.as_user(&cat, Method::DELETE, "/v1/account")
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    let page = json(get(&app, &bob, &list).await).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_error(get(&app, &eve, &list).await, 404, "story not found").await;
    assert_error(
        get(&app, &bob, &format!("{list}?limit=500")).await,
        400,
        "limit must be between 1 and 200",
    )
    .await;

    // Unreact: 204 and the count drops; a second time 404.
    assert_eq!(unreact(&app, &bob, &s).await.status(), 204);
    assert_error(unreact(&app, &bob, &s).await, 404, "reaction not found").await;
    assert_error(unreact(&app, &eve, &s).await, 404, "reaction not found").await;
    assert_eq!(story_json(&app, &ann, &s).await["reaction_count"], 2);
    // Expired: reactions refused and listed as 404.
    expire(&app, &s).await;
    assert_error(react(&app, &bob, &s, "🔥").await, 404, "story not found").await;
    assert_error(get(&app, &bob, &list).await, 404, "story not found").await;
}

#[tokio::test]
async fn metrics_are_the_owners_and_survive_expiry() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let s = id(&story(&app, &ann, "Public").await);
    let mut users = Vec::new();
    for (i, emoji) in ["🔥", "😍", "🔥", "👍", "🔥", "😍"].iter().enumerate() {
        let u = app.user(&format!("fan{i}")).await;
        assert_eq!(
            post(&app, &u, &format!("/v1/stories/{s}/seen"))
                .await
                .status(),
            204
        );
        assert_eq!(react(&app, &u, &s, emoji).await.status(), 200);
        users.push(u);
    }
    let path = format!("/v1/stories/{s}/metrics");
    assert_error(get(&app, &users[0], &path).await, 404, "story not found").await;
    assert_error(
        get(
            &app,
            &ann,
            &format!("/v1/stories/{}/metrics", uuid::Uuid::new_v4()),
        )
        .await,
        404,
        "story not found",
    )
    .await;
    expire(&app, &s).await;
    let res = get(&app, &ann, &path).await;
    assert_eq!(res.status(), 200);
    let m = json(res).await;
    assert_eq!(m["story_id"], s.as_str());
    assert_eq!(m["view_count"], 6);
    assert_eq!(m["reaction_count"], 6);
    assert_eq!(
        m["reactions_by_emoji"],
        json!([{"emoji": "🔥", "count": 3}, {"emoji": "😍", "count": 2}, {"emoji": "👍", "count": 1}])
    );
    let newest_first: Vec<String> = users.iter().rev().map(|u| u.id.clone()).collect();
    assert_eq!(m["viewer_ids"], json!(newest_first));
}

#[tokio::test]
async fn counters_equal_their_rows_under_parallel_seen_react_and_unreact() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let s = id(&story(&app, &ann, "Public").await);
    let mut users = Vec::new();
    for i in 0..6 {
        users.push(app.user(&format!("racer{i}")).await);
    }
    let emojis = ["🔥", "😍", "👍"];
    let (app_ref, story_id) = (&app, s.as_str());
    let mut tasks: Vec<std::pin::Pin<Box<dyn std::future::Future<Output = u16>>>> = Vec::new();
    for round in 0..4 {
        for u in &users {
            let emoji = emojis[round % emojis.len()];
            tasks.push(Box::pin(async move {
                post(app_ref, u, &format!("/v1/stories/{story_id}/seen"))
                    .await
                    .status()
                    .as_u16()
            }));
            tasks.push(Box::pin(async move {
                react(app_ref, u, story_id, emoji).await.status().as_u16()
            }));
            tasks.push(Box::pin(async move {
                react(app_ref, u, story_id, "🎉").await.status().as_u16()
            }));
            tasks.push(Box::pin(async move {
                unreact(app_ref, u, story_id).await.status().as_u16()
            }));
        }
    }
    let statuses = futures_util::future::join_all(tasks).await;
    for status in statuses {
        // An unreact may find nothing to remove (404); nothing else may fail.
        assert!([200, 204, 404].contains(&status), "status {status}");
    }
    assert_sql(
        &app,
        &format!(
            "(SELECT view_count FROM stories WHERE id = '{s}') = (SELECT count(*) FROM story_views WHERE story_id = '{s}') \
             AND (SELECT view_count FROM stories WHERE id = '{s}') = 6 \
             AND (SELECT reaction_count FROM stories WHERE id = '{s}') = (SELECT count(*) FROM story_reactions WHERE story_id = '{s}')"
        ),
    )
    .await;
    let metrics = json(get(&app, &ann, &format!("/v1/stories/{s}/metrics")).await).await;
    let by_emoji: i64 = metrics["reactions_by_emoji"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["count"].as_i64().unwrap())
        .sum();
    assert_eq!(metrics["reaction_count"].as_i64().unwrap(), by_emoji);
}
