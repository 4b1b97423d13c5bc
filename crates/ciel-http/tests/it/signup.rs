//! `POST /v1/users` (sign-up by invite) and `GET /v1/invites/validate/:code`.

use crate::{assert_error, json};
use ciel_testkit::{TEST_PASSWORD, TestApp};
use serde_json::json;

fn body(handle: &str, invite: &str) -> serde_json::Value {
    json!({
        "handle": handle,
        "email": format!("{handle}@example.com"),
        "display_name": "Ann",
        "password": TEST_PASSWORD,
        "invite_code": invite,
    })
}

#[tokio::test]
async fn sign_up_with_an_admin_invite_returns_the_private_user() {
    let app = TestApp::spawn().await;
    let code = app.admin_invite().await;
    let mut b = body("ann", &code);
    b["bio"] = json!("hello");
    let res = app.post_json("/v1/users", &b).await;
    assert_eq!(res.status(), 200);
    let user = json(res).await;
    let keys: std::collections::BTreeSet<&str> = user
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "avatar_url",
            "bio",
            "created_at",
            "display_name",
            "email",
            "handle",
            "id"
        ]
        .into()
    );
    assert_eq!(user["handle"], "ann");
    assert_eq!(user["email"], "ann@example.com");
    assert_eq!(user["bio"], "hello");
    assert_eq!(user["avatar_url"], serde_json::Value::Null);
    // The code is used up.
    let v = json(app.get(&format!("/v1/invites/validate/{code}")).await).await;
    assert_eq!(v, json!({"is_valid": false}));
}

#[tokio::test]
async fn validation_runs_in_the_contract_order() {
    let app = TestApp::spawn().await;
    let code = app.admin_invite().await;
    let cases = [
        (
            json!({"handle": "a", "email": "bad", "display_name": "", "password": "x", "invite_code": code}),
            "handle must be at least 3 characters",
        ),
        (
            json!({"handle": "a-b-c", "email": "bad", "display_name": "", "password": "x", "invite_code": code}),
            "handle can only contain letters, numbers, and underscores",
        ),
        (
            json!({"handle": "abc", "email": " ", "display_name": "", "password": "x", "invite_code": code}),
            "email cannot be empty",
        ),
        (
            json!({"handle": "abc", "email": "bad", "display_name": "", "password": "x", "invite_code": code}),
            "invalid email format",
        ),
        (
            json!({"handle": "abc", "email": "a@b.co", "display_name": "  ", "password": "x", "invite_code": code}),
            "display_name cannot be empty",
        ),
        (
            json!({"handle": "abc", "email": "a@b.co", "display_name": "A", "bio": "x".repeat(501), "password": "x", "invite_code": code}),
            "bio must be at most 500 characters",
        ),
        (
            json!({"handle": "abc", "email": "a@b.co", "display_name": "A", "password": "short1A", "invite_code": code}),
            "password must be at least 8 characters",
        ),
        (
            json!({"handle": "abc", "email": "a@b.co", "display_name": "A", "password": "alllowercase1", "invite_code": code}),
            "password must contain at least one uppercase letter, one lowercase letter, and one digit",
        ),
        (
            json!({"handle": "abc", "email": "a@b.co", "display_name": "A", "password": TEST_PASSWORD}),
            "invite_code is required",
        ),
        (
            json!({"handle": "abc", "email": "a@b.co", "display_name": "A", "password": TEST_PASSWORD, "invite_code": "  "}),
            "invite_code is required",
        ),
    ];
    for (b, message) in cases {
        assert_error(app.post_json("/v1/users", &b).await, 400, message).await;
    }
    // Missing required fields are a shape problem.
    let res = app.post_json("/v1/users", &json!({"handle": "abc"})).await;
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn invite_problems_have_their_own_messages() {
    let app = TestApp::spawn().await;
    assert_error(
        app.post_json("/v1/users", &body("ann", "NOSUCHCODE00"))
            .await,
        400,
        "Invalid invite code",
    )
    .await;

    let used = app.admin_invite().await;
    assert_eq!(
        app.post_json("/v1/users", &body("ann", &used))
            .await
            .status(),
        200
    );
    // A used single-use code is invalid (is_valid = false), hence "revoked" in check order.
    let res = app.post_json("/v1/users", &body("bob", &used)).await;
    assert_eq!(res.status(), 400);

    let expired = app.admin_invite().await;
    app.db
        .run_sql(&format!("UPDATE invite_codes SET expires_at = now() - interval '1 second' WHERE code = '{expired}'"))
        .await;
    assert_error(
        app.post_json("/v1/users", &body("cat", &expired)).await,
        400,
        "Invite code has expired",
    )
    .await;

    let full = app.admin_invite().await;
    app.db
        .run_sql(&format!(
            "UPDATE invite_codes SET use_count = 1 WHERE code = '{full}'"
        ))
        .await;
    assert_error(
        app.post_json("/v1/users", &body("dan", &full)).await,
        400,
        "Invite code has been fully used",
    )
    .await;

    let ann = app.user("eve").await;
    let revoked = json(
        app.as_user(&ann, reqwest::Method::POST, "/v1/invites")
            .send()
            .await
            .unwrap(),
    )
    .await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .as_user(
            &ann,
            reqwest::Method::POST,
            &format!("/v1/invites/{revoked}/revoke"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_error(
        app.post_json("/v1/users", &body("fay", &revoked)).await,
        400,
        "Invite code has been revoked",
    )
    .await;
    // Codes are case-sensitive.
    let lower = app.admin_invite().await.to_lowercase();
    assert_error(
        app.post_json("/v1/users", &body("gus", &lower)).await,
        400,
        "Invalid invite code",
    )
    .await;
}

#[tokio::test]
async fn duplicate_handles_and_emails_are_409_even_after_deletion() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let code = app.admin_invite().await;
    assert_error(
        app.post_json("/v1/users", &body("ann", &code)).await,
        409,
        "Handle already taken",
    )
    .await;
    let mut b = body("ann2", &code);
    b["email"] = json!("ann@example.com");
    assert_error(
        app.post_json("/v1/users", &b).await,
        409,
        "Email already taken",
    )
    .await;
    // The failed attempts did not consume the code.
    assert_eq!(
        json(app.get(&format!("/v1/invites/validate/{code}")).await).await["is_valid"],
        true
    );

    let res = app
        .as_user(&ann, reqwest::Method::DELETE, "/v1/account")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_error(
        app.post_json("/v1/users", &body("ann", &code)).await,
        409,
        "Handle already taken",
    )
    .await;
}

#[tokio::test]
async fn two_concurrent_sign_ups_on_one_code_exactly_one_wins() {
    let app = TestApp::spawn().await;
    let code = app.admin_invite().await;
    let attempts =
        (0..6).map(|i| app.post_json_owned("/v1/users", body(&format!("racer{i}"), &code)));
    let statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 400).count(),
        5,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_user_invite_records_lineage_and_rewards_the_inviter() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let code = json(
        app.as_user(&ann, reqwest::Method::POST, "/v1/invites")
            .send()
            .await
            .unwrap(),
    )
    .await;
    let code = code["code"].as_str().unwrap().to_owned();
    assert_eq!(
        app.post_json("/v1/users", &body("bob", &code))
            .await
            .status(),
        200
    );
    let stats = json(
        app.as_user(&ann, reqwest::Method::GET, "/v1/invites/stats")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        stats,
        json!({"invites_sent": 1, "successful_invites": 1, "remaining_invites": 2, "max_invites": 3})
    );
    let trust = json(
        app.as_user(&ann, reqwest::Method::GET, "/v1/account/trust-score")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(trust["trust_points"], 10);
    app.db
        .run_sql(&format!(
            "DO $$ BEGIN IF (SELECT count(*) FROM invite_relationships WHERE inviter_id = '{}' AND invite_code = '{code}') <> 1 \
             THEN RAISE EXCEPTION 'no lineage'; END IF; END $$",
            ann.id
        ))
        .await;
}

#[tokio::test]
async fn a_new_account_may_have_no_avatar_key_yet() {
    // A new account owns no media and no storage prefix yet: only "no avatar" is accepted.
    let app = TestApp::spawn().await;
    for key in [
        json!("avatars/ann.jpg"),
        json!(uuid::Uuid::new_v4().to_string()),
        json!(format!("uploads/{}/a.jpg", uuid::Uuid::new_v4())),
    ] {
        let code = app.admin_invite().await;
        let mut b = body("ann", &code);
        b["avatar_key"] = key;
        assert_error(app.post_json("/v1/users", &b).await, 400, "invalid avatar").await;
    }
    for empty in [json!(null), json!("")] {
        let code = app.admin_invite().await;
        let handle = if empty.is_null() { "ann" } else { "bob" };
        let mut b = body(handle, &code);
        b["avatar_key"] = empty;
        let user = json(app.post_json("/v1/users", &b).await).await;
        assert_eq!(user["avatar_url"], serde_json::Value::Null);
    }
}
