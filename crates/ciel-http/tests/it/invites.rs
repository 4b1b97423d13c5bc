//! `/v1/invites*`: create within quota, list, stats, revoke, validate.

use crate::{assert_error, json};
use ciel_testkit::TestApp;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn users_create_standard_invites_within_their_quota() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let first = app
        .as_user(&ann, Method::POST, "/v1/invites")
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 200);
    let first = json(first).await;
    assert_eq!(first["invite_type"], "standard");
    assert_eq!(first["created_by"], ann.id);
    assert_eq!(
        (first["max_uses"].as_i64(), first["use_count"].as_i64()),
        (Some(1), Some(0))
    );
    assert_eq!(first["is_valid"], true);
    for days in [1, 30] {
        let res = app
            .as_user(&ann, Method::POST, "/v1/invites")
            .json(&json!({"days_valid": days}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    // Level 0: three in a lifetime.
    let res = app
        .as_user(&ann, Method::POST, "/v1/invites")
        .send()
        .await
        .unwrap();
    assert_error(
        res,
        403,
        "Maximum invite limit reached for your trust level (3)",
    )
    .await;
    let res = app
        .as_user(&ann, Method::POST, "/v1/invites")
        .json(&json!({"days_valid": 31}))
        .send()
        .await
        .unwrap();
    assert_error(res, 400, "days_valid must be between 1 and 30").await;

    let list = json(
        app.as_user(&ann, Method::GET, "/v1/invites")
            .send()
            .await
            .unwrap(),
    )
    .await;
    let list = list.as_array().expect("a bare array");
    assert_eq!(list.len(), 3);
    assert_eq!(list[2]["code"], first["code"], "newest first");
}

#[tokio::test]
async fn revoking_does_not_give_quota_back_and_only_the_creator_can() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let code = json(
        app.as_user(&ann, Method::POST, "/v1/invites")
            .send()
            .await
            .unwrap(),
    )
    .await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/v1/invites/{code}/revoke");
    assert_error(
        app.as_user(&bob, Method::POST, &path).send().await.unwrap(),
        404,
        "invite code not found or already used",
    )
    .await;
    assert_eq!(
        app.as_user(&ann, Method::POST, &path)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_error(
        app.as_user(&ann, Method::POST, &path).send().await.unwrap(),
        404,
        "invite code not found or already used",
    )
    .await;
    assert_error(
        app.as_user(&ann, Method::POST, "/v1/invites/NOPE/revoke")
            .send()
            .await
            .unwrap(),
        404,
        "invite code not found or already used",
    )
    .await;
    let stats = json(
        app.as_user(&ann, Method::GET, "/v1/invites/stats")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        stats,
        json!({"invites_sent": 1, "successful_invites": 0, "remaining_invites": 2, "max_invites": 3})
    );
    assert_eq!(
        json(app.get(&format!("/v1/invites/validate/{code}")).await).await,
        json!({"is_valid": false})
    );
}

#[tokio::test]
async fn validate_is_public_and_never_404() {
    let app = TestApp::spawn().await;
    let code = app.admin_invite().await;
    assert_eq!(
        json(app.get(&format!("/v1/invites/validate/{code}")).await).await,
        json!({"is_valid": true})
    );
    assert_eq!(
        json(app.get("/v1/invites/validate/UNKNOWN").await).await,
        json!({"is_valid": false})
    );
}

#[tokio::test]
async fn invite_routes_need_a_bearer_token() {
    let app = TestApp::spawn().await;
    for (method, path) in [
        (Method::GET, "/v1/invites"),
        (Method::POST, "/v1/invites"),
        (Method::GET, "/v1/invites/stats"),
    ] {
        let res = app
            .client
            .request(method, app.url(path))
            .send()
            .await
            .unwrap();
        assert_error(res, 401, "missing Authorization header").await;
    }
}
