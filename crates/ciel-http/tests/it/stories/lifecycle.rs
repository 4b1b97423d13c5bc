//! Creating, reading and deleting stories: validation, the 24 h expiry, visibility (hidden,
//! missing and expired all look the same) and deletion cascades.

use super::{assert_sql, befriend, expire, follow, get, id, story};
use crate::{assert_error, assert_error_shape, json};
use chrono::{DateTime, Duration};
use ciel_testkit::TestApp;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_story_is_created_with_media_author_and_a_24h_expiry() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let media = app.completed_media(&ann).await;
    let res = app
        .as_user(&ann, Method::POST, "/v1/stories")
        .json(&json!({"media_id": media, "caption": "sunset", "visibility": "FriendsOnly"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let s = json(res).await;
    assert_eq!(s["user_id"], ann.id.as_str());
    assert_eq!(s["user_handle"], "ann");
    assert_eq!(s["user_display_name"], "ann display");
    assert_eq!(s["media_id"], media.as_str());
    assert_eq!(s["media"]["id"], media.as_str());
    assert_eq!(s["media"]["owner_id"], ann.id.as_str());
    assert_eq!(s["media"]["width"], 1200);
    assert!(s["media"]["thumb_url"].is_string(), "{s}");
    assert_eq!(s["caption"], "sunset");
    assert_eq!(s["visibility"], "FriendsOnly");
    assert_eq!(
        (s["view_count"].clone(), s["reaction_count"].clone()),
        (json!(0), json!(0))
    );
    assert!(s.get("user_avatar_key").is_none());
    let created = DateTime::parse_from_rfc3339(s["created_at"].as_str().unwrap()).unwrap();
    let expires = DateTime::parse_from_rfc3339(s["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!(expires - created, Duration::hours(24));
    assert!(s["created_at"].as_str().unwrap().ends_with('Z'));

    // snake_case is accepted on input; the wire answer is PascalCase. A null caption is fine.
    for (sent, shown) in [
        ("close_friends_only", "CloseFriendsOnly"),
        ("friends_only", "FriendsOnly"),
        ("public", "Public"),
        ("Public", "Public"),
        ("CloseFriendsOnly", "CloseFriendsOnly"),
    ] {
        let media = app.completed_media(&ann).await;
        let res = app
            .as_user(&ann, Method::POST, "/v1/stories")
            .json(&json!({"media_id": media, "caption": null, "visibility": sent}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{sent}");
        let s = json(res).await;
        assert_eq!(s["visibility"], shown);
        assert_eq!(s["caption"], serde_json::Value::Null);
    }
}

#[tokio::test]
async fn story_creation_rejects_bad_input_with_the_contract_errors() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let mine = app.completed_media(&ann).await;
    let theirs = app.completed_media(&bob).await;
    let create = |body: serde_json::Value| {
        app.as_user(&ann, Method::POST, "/v1/stories")
            .json(&body)
            .send()
    };
    let ok = json!({"media_id": mine, "visibility": "Public"});

    let res = app.post_json("/v1/stories", &ok).await;
    assert_error(res, 401, "missing Authorization header").await;
    assert_error(
        create(json!({"media_id": uuid::Uuid::new_v4(), "visibility": "Public"}))
            .await
            .unwrap(),
        404,
        "media not found",
    )
    .await;
    assert_error(
        create(json!({"media_id": theirs, "visibility": "Public"}))
            .await
            .unwrap(),
        403,
        "media does not belong to you",
    )
    .await;
    assert_error(
        create(json!({"media_id": mine, "visibility": "Public", "caption": "a".repeat(2201)}))
            .await
            .unwrap(),
        400,
        "caption exceeds 2200 characters",
    )
    .await;
    // 2200 characters of two bytes each are fine: the limit counts characters.
    let long =
        create(json!({"media_id": mine, "visibility": "Public", "caption": "é".repeat(2200)}))
            .await
            .unwrap();
    assert_eq!(long.status(), 200);
    // Missing or unknown visibility, missing media: 422 with the JSON error body.
    for body in [
        json!({"media_id": mine}),
        json!({"media_id": mine, "visibility": "Friends"}),
        json!({"media_id": mine, "visibility": "PUBLIC"}),
        json!({"media_id": mine, "visibility": null}),
        json!({"visibility": "Public"}),
    ] {
        assert_error_shape(create(body.clone()).await.unwrap(), 422).await;
    }
    let res = app
        .as_user(&ann, Method::POST, "/v1/stories")
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_error_shape(res, 400).await;
    // No story was written by any refused request.
    assert_sql(
        &app,
        &format!(
            "(SELECT count(*) FROM stories WHERE user_id = '{}') = 1",
            ann.id
        ),
    )
    .await;
}

#[tokio::test]
async fn hidden_missing_and_expired_stories_are_the_same_404() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let friend = app.user("friend").await;
    let fan = app.user("fan").await;
    let blocked = app.user("blocked").await;
    let stranger = app.user("stranger").await;
    befriend(&app, &ann, &friend).await;
    follow(&app, &fan, &ann).await;
    follow(&app, &blocked, &ann).await;
    app.db
        .run_sql(&format!(
            "INSERT INTO blocks (blocker_id, blocked_id) VALUES ('{}', '{}')",
            ann.id, blocked.id
        ))
        .await;
    let public = id(&story(&app, &ann, "Public").await);
    let friends = id(&story(&app, &ann, "FriendsOnly").await);
    let close = id(&story(&app, &ann, "CloseFriendsOnly").await);
    let path = |s: &str| format!("/v1/stories/{s}");

    // Public: every authenticated user but the blocked one.
    for viewer in [&ann, &friend, &fan, &stranger] {
        let res = get(&app, viewer, &path(&public)).await;
        assert_eq!(res.status(), 200, "{}", viewer.handle);
        assert!(json(res).await["media"]["id"].is_string());
    }
    assert_error(
        get(&app, &blocked, &path(&public)).await,
        404,
        "story not found",
    )
    .await;
    // Friends-only and close-friends-only: the owner and mutual followers only.
    for s in [&friends, &close] {
        assert_eq!(get(&app, &ann, &path(s)).await.status(), 200);
        assert_eq!(get(&app, &friend, &path(s)).await.status(), 200);
        for viewer in [&fan, &stranger, &blocked] {
            assert_error(get(&app, viewer, &path(s)).await, 404, "story not found").await;
        }
    }
    // Missing.
    assert_error(
        get(&app, &ann, &path(&uuid::Uuid::new_v4().to_string())).await,
        404,
        "story not found",
    )
    .await;
    // Expired: gone for everyone, the owner included.
    expire(&app, &public).await;
    for viewer in [&ann, &friend, &stranger] {
        assert_error(
            get(&app, viewer, &path(&public)).await,
            404,
            "story not found",
        )
        .await;
    }
    // A deleted owner's stories vanish.
    assert_eq!(
        app.as_user(&ann, Method::DELETE, "/v1/account")
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_error(
        get(&app, &friend, &path(&friends)).await,
        404,
        "story not found",
    )
    .await;
    // Bad id, no token.
    assert_error(
        get(&app, &friend, "/v1/stories/nope").await,
        400,
        "invalid id",
    )
    .await;
    assert_error(
        app.get(&path(&friends)).await,
        401,
        "missing Authorization header",
    )
    .await;
}

#[tokio::test]
async fn only_the_owner_deletes_and_everything_attached_goes_with_the_story() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let s = id(&story(&app, &ann, "Public").await);
    let path = format!("/v1/stories/{s}");
    assert_eq!(
        super::post(&app, &bob, &format!("{path}/seen"))
            .await
            .status(),
        204
    );
    let res = app
        .as_user(&bob, Method::POST, &format!("{path}/reactions"))
        .json(&json!({"emoji": "🔥"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = app
        .as_user(&ann, Method::POST, &format!("{path}/highlights"))
        .json(&json!({"highlight_name": "summer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(json(res).await["cover_story_id"], s.as_str());

    let delete = |who| app.as_user(who, Method::DELETE, &path).send();
    assert_error(delete(&bob).await.unwrap(), 404, "story not found").await;
    assert_eq!(get(&app, &bob, &path).await.status(), 200, "still there");
    // The owner may delete an expired story too.
    expire(&app, &s).await;
    assert_eq!(delete(&ann).await.unwrap().status(), 204);
    assert_error(delete(&ann).await.unwrap(), 404, "story not found").await;
    assert_sql(
        &app,
        &format!(
            "NOT EXISTS (SELECT 1 FROM stories WHERE id = '{s}') \
             AND NOT EXISTS (SELECT 1 FROM story_views WHERE story_id = '{s}') \
             AND NOT EXISTS (SELECT 1 FROM story_reactions WHERE story_id = '{s}') \
             AND NOT EXISTS (SELECT 1 FROM story_highlight_items WHERE story_id = '{s}')"
        ),
    )
    .await;
    let highlights = json(get(&app, &bob, &format!("/v1/users/{}/highlights", ann.id)).await).await;
    assert_eq!(highlights["items"][0]["name"], "summer");
    assert_eq!(
        highlights["items"][0]["cover_story_id"],
        serde_json::Value::Null
    );
    assert_error(
        app.as_user(&ann, Method::DELETE, "/v1/stories/123")
            .send()
            .await
            .unwrap(),
        400,
        "invalid id",
    )
    .await;
}
