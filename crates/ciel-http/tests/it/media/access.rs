//! `GET /media/:id` (the §3.1 media rule: owner, visible post, unexpired visible story) and
//! `DELETE /media/:id` (owner only, 409 while attached).

use crate::assert_error;
use ciel_testkit::{TestApp, TestUser};
use reqwest::Method;
use serde_json::{Value, json};

async fn get(app: &TestApp, user: &TestUser, media: &str) -> reqwest::Response {
    app.as_user(user, Method::GET, &format!("/v1/media/{media}"))
        .send()
        .await
        .unwrap()
}

async fn delete(app: &TestApp, user: &TestUser, media: &str) -> reqwest::Response {
    app.as_user(user, Method::DELETE, &format!("/v1/media/{media}"))
        .send()
        .await
        .unwrap()
}

async fn post_with(app: &TestApp, user: &TestUser, media: &str) -> String {
    let res = app
        .as_user(user, Method::POST, "/v1/posts")
        .json(&json!({"media_ids": [media], "caption": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let post: Value = res.json().await.unwrap();
    post["id"].as_str().unwrap().to_owned()
}

async fn story_with(app: &TestApp, user: &TestUser, media: &str) -> String {
    let res = app
        .as_user(user, Method::POST, "/v1/stories")
        .json(&json!({"media_id": media, "caption": null, "visibility": "Public"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let story: Value = res.json().await.unwrap();
    story["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn media_is_visible_to_its_owner_and_through_visible_posts_and_stories_only() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let loose = app.completed_media(&ann).await;

    // The owner sees it with URLs and a blurhash field (null for pre-placeholder media).
    let res = get(&app, &ann, &loose).await;
    assert_eq!(res.status(), 200);
    let m: Value = res.json().await.unwrap();
    assert_eq!(m["id"], loose.as_str());
    assert!(m["thumb_url"].as_str().unwrap().contains("thumb.jpg"));
    assert!(m.as_object().unwrap().contains_key("blurhash"));
    assert!(m["blurhash"].is_null());
    // Others do not, and cannot tell it from a missing one.
    assert_error(get(&app, &bob, &loose).await, 404, "media not found").await;
    let missing = uuid::Uuid::new_v4().to_string();
    assert_error(get(&app, &bob, &missing).await, 404, "media not found").await;

    // Attached to a public post: visible; made followers-only: hidden again.
    let in_post = app.completed_media(&ann).await;
    let post = post_with(&app, &ann, &in_post).await;
    assert_eq!(get(&app, &bob, &in_post).await.status(), 200);
    app.db
        .run_sql(&format!(
            "UPDATE posts SET visibility = 'followers_only' WHERE id = '{post}'"
        ))
        .await;
    assert_error(get(&app, &bob, &in_post).await, 404, "media not found").await;
    // A block hides it as well (public again, blocked by the owner).
    app.db
        .run_sql(&format!(
            "UPDATE posts SET visibility = 'public' WHERE id = '{post}'"
        ))
        .await;
    let res = app
        .as_user(&ann, Method::POST, &format!("/v1/users/{}/block", bob.id))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "block: {}", res.status());
    assert_error(get(&app, &bob, &in_post).await, 404, "media not found").await;

    // Attached to an unexpired public story: visible to another user; expired: hidden.
    let carol = app.user("carol").await;
    let in_story = app.completed_media(&ann).await;
    let story = story_with(&app, &ann, &in_story).await;
    assert_eq!(get(&app, &carol, &in_story).await.status(), 200);
    app.db
        .run_sql(&format!(
            "UPDATE stories SET expires_at = now() - interval '1 minute' WHERE id = '{story}'"
        ))
        .await;
    assert_error(get(&app, &carol, &in_story).await, 404, "media not found").await;
    // The owner still sees all of it.
    for media in [&loose, &in_post, &in_story] {
        assert_eq!(get(&app, &ann, media).await.status(), 200);
    }
}

#[tokio::test]
async fn only_the_owner_deletes_and_never_while_attached() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let in_post = app.completed_media(&ann).await;
    let in_story = app.completed_media(&ann).await;
    let loose = app.completed_media(&ann).await;
    post_with(&app, &ann, &in_post).await;
    story_with(&app, &ann, &in_story).await;

    assert_error(delete(&app, &bob, &loose).await, 404, "media not found").await;
    let attached = "media is attached to a post or story and cannot be deleted";
    assert_error(delete(&app, &ann, &in_post).await, 409, attached).await;
    assert_error(delete(&app, &ann, &in_story).await, 409, attached).await;

    let res = delete(&app, &ann, &loose).await;
    assert_eq!(res.status(), 204);
    assert!(res.bytes().await.unwrap().is_empty());
    assert_error(get(&app, &ann, &loose).await, 404, "media not found").await;
    assert_error(delete(&app, &ann, &loose).await, 404, "media not found").await;
    // The upload that produced it keeps its history, pointing nowhere now.
    assert_eq!(
        app.db
            .count(&format!(
                "SELECT count(*) AS n FROM media WHERE id IN ('{in_post}', '{in_story}', '{loose}')"
            ))
            .await,
        2
    );
    assert_eq!(
        app.db
            .count(
                "SELECT count(*) AS n FROM media_uploads WHERE status = 'completed' AND processed_media_id IS NULL"
            )
            .await,
        1
    );
}
