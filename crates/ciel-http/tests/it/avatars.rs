//! `avatar_key` names only the caller's own things: processed media they own (by id), or a key
//! under their own storage prefix. Nothing else can be presigned through a profile.

use crate::{assert_error, json};
use ciel_testkit::TestApp;
use reqwest::Method;
use serde_json::json;

async fn set_avatar(app: &TestApp, user: &ciel_testkit::TestUser, key: &str) -> reqwest::Response {
    app.as_user(user, Method::PATCH, &format!("/v1/users/{}", user.id))
        .json(&json!({ "avatar_key": key }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn own_prefixes_are_accepted_and_signed() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    for key in [
        format!("uploads/{}/first.jpg", ann.id),
        format!("media/{}/m1/medium.webp", ann.id),
    ] {
        let user = json(set_avatar(&app, &ann, &key).await).await;
        let url = user["avatar_url"].as_str().expect("signed avatar URL");
        assert!(
            url.contains(&key) && url.contains("X-Amz-Signature"),
            "{url}"
        );
    }
}

#[tokio::test]
async fn anything_else_is_an_invalid_avatar() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let bobs_media = uuid::Uuid::new_v4();
    app.db
        .run_sql(&format!(
            "INSERT INTO media (id, owner_id, original_key, thumb_key, medium_key, width, height, bytes) \
             VALUES ('{bobs_media}', '{}', 'uploads/{0}/o.jpg', 'media/{0}/t.webp', 'media/{0}/m.webp', 10, 10, 100)",
            bob.id
        ))
        .await;
    for key in [
        format!("uploads/{}/theirs.jpg", bob.id),
        format!("media/{}/m.webp", bob.id),
        format!("uploads/{}/../{}/x.jpg", ann.id, bob.id),
        "avatars/someone.jpg".to_owned(),
        bobs_media.to_string(),
        uuid::Uuid::new_v4().to_string(),
    ] {
        assert_error(set_avatar(&app, &ann, &key).await, 400, "invalid avatar").await;
    }
}

#[tokio::test]
async fn own_processed_media_serves_its_medium_derivative() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let media = uuid::Uuid::new_v4();
    app.db
        .run_sql(&format!(
            "INSERT INTO media (id, owner_id, original_key, thumb_key, medium_key, width, height, bytes) \
             VALUES ('{media}', '{0}', 'uploads/{0}/o.jpg', 'media/{0}/{media}/thumb.webp', \
             'media/{0}/{media}/medium.webp', 10, 10, 100)",
            ann.id
        ))
        .await;
    let user = json(set_avatar(&app, &ann, &media.to_string()).await).await;
    let url = user["avatar_url"].as_str().expect("signed avatar URL");
    assert!(
        url.contains(&format!("media/{}/{media}/medium.webp", ann.id)),
        "{url}"
    );
}
