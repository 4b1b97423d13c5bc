//! `GET`/`PATCH /v1/users/:id`, `GET /v1/account/trust-score`, devices.

use crate::{assert_error, json};
use ciel_testkit::TestApp;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn public_profiles_have_real_counts_and_no_private_fields() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let cat = app.user("cat").await;
    app.db
        .run_sql(&format!(
            "INSERT INTO follows (follower_id, followee_id) VALUES ('{b}', '{a}'), ('{c}', '{a}'), ('{a}', '{b}'); \
             INSERT INTO posts (owner_id, caption) VALUES ('{a}', 'one'), ('{a}', 'two');",
            a = ann.id, b = bob.id, c = cat.id
        ))
        .await;
    // A deleted follower no longer counts.
    assert_eq!(
        app.as_user(&cat, Method::DELETE, "/v1/account")
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    let profile = json(app.get(&format!("/v1/users/{}", ann.id)).await).await;
    assert_eq!(profile["handle"], "ann");
    assert_eq!(profile["followers_count"], 1);
    assert_eq!(profile["following_count"], 1);
    assert_eq!(profile["posts_count"], 2);
    assert!(profile.get("email").is_none(), "{profile}");
    assert!(profile.get("avatar_key").is_none());
    assert_error(
        app.get(&format!("/v1/users/{}", uuid::Uuid::new_v4()))
            .await,
        404,
        "user not found",
    )
    .await;
    assert_error(app.get("/v1/users/not-a-uuid").await, 400, "invalid id").await;
}

#[tokio::test]
async fn only_the_owner_patches_a_profile_and_absent_fields_stay() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let path = format!("/v1/users/{}", ann.id);
    // Another user is refused before validation.
    let res = app
        .as_user(&bob, Method::PATCH, &path)
        .json(&json!({"display_name": ""}))
        .send()
        .await
        .unwrap();
    assert_error(res, 403, "cannot update other users").await;

    let res = app
        .as_user(&ann, Method::PATCH, &path)
        .json(&json!({"bio": "hi", "display_name": " Ann M "}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let u = json(res).await;
    assert_eq!(
        (u["bio"].as_str(), u["display_name"].as_str()),
        (Some("hi"), Some("Ann M"))
    );
    let res = app
        .as_user(&ann, Method::PATCH, &path)
        .json(&json!({"bio": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        json(res).await["bio"],
        "hi",
        "null leaves a field unchanged"
    );
    let res = app
        .as_user(&ann, Method::PATCH, &path)
        .json(&json!({"bio": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(json(res).await["bio"], "");
    let res = app
        .as_user(&ann, Method::PATCH, &path)
        .json(&json!({"display_name": "  "}))
        .send()
        .await
        .unwrap();
    assert_error(res, 400, "display_name cannot be empty").await;
    let res = app
        .as_user(&ann, Method::PATCH, &path)
        .json(&json!({"display_name": "x".repeat(51)}))
        .send()
        .await
        .unwrap();
    assert_error(res, 400, "display_name must be at most 50 characters").await;
    let res = app
        .client
        .patch(app.url(&path))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_error(res, 401, "missing Authorization header").await;
}

#[tokio::test]
async fn trust_score_starts_at_new() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let t = json(
        app.as_user(&ann, Method::GET, "/v1/account/trust-score")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        t,
        json!({
            "user_id": ann.id, "trust_level": 0, "trust_level_name": "New", "trust_points": 0,
            "account_age_days": 0, "posts_count": 0, "followers_count": 0, "strikes": 0, "is_banned": false
        })
    );
}

#[tokio::test]
async fn devices_are_stored_hashed_linked_and_risk_scored() {
    let app = TestApp::spawn().await;
    let users = [
        app.user("ann").await,
        app.user("bob").await,
        app.user("cat").await,
        app.user("dan").await,
    ];
    let fp = "device-fingerprint-1";
    // Anonymous registration is allowed.
    let res = app
        .post_json("/v1/account/device/register", &json!({"fingerprint": fp}))
        .await;
    assert_eq!(res.status(), 204);
    for u in &users {
        let res = app
            .as_user(u, Method::POST, "/v1/account/device/register")
            .header("user-agent", "CielTest/1.0")
            .json(&json!({"fingerprint": fp}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
    }
    let list = json(
        app.as_user(&users[0], Method::GET, "/v1/account/devices")
            .send()
            .await
            .unwrap(),
    )
    .await;
    let d = &list.as_array().unwrap()[0];
    // SHA-256("device-fingerprint-1"), first 16 hex characters.
    use sha2::Digest;
    let full = hex::encode(sha2::Sha256::digest(fp.as_bytes()));
    assert_eq!(d["fingerprint_hash"], full[..16]);
    assert_eq!(d["account_count"], 4);
    assert_eq!(
        d["risk_score"],
        5 + 5 + 5 + 15,
        "risk rises by the count before linking"
    );
    assert_eq!(d["is_blocked"], false);
    let none = app.user("eve").await;
    assert_eq!(
        json(
            app.as_user(&none, Method::GET, "/v1/account/devices")
                .send()
                .await
                .unwrap()
        )
        .await,
        json!([])
    );

    app.db
        .run_sql(&format!(
            "UPDATE device_fingerprints SET is_blocked = true WHERE fingerprint_hash = '{full}'"
        ))
        .await;
    let res = app
        .post_json("/v1/account/device/register", &json!({"fingerprint": fp}))
        .await;
    assert_error(res, 403, "This device has been blocked").await;
    assert_error(
        app.post_json("/v1/account/device/register", &json!({}))
            .await,
        400,
        "fingerprint is required",
    )
    .await;
    assert_error(
        app.post_json(
            "/v1/account/device/register",
            &json!({"fingerprint": "x".repeat(513)}),
        )
        .await,
        400,
        "fingerprint must be at most 512 characters",
    )
    .await;
}
