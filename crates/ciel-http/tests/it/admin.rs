//! `POST /v1/admin/invites` and `GET /v1/moderation/audit`, including every framework rejection
//! of a JSON body and of a query string.

use crate::{assert_error, assert_error_shape, json};
use ciel_testkit::TestApp;

fn post_invite(app: &TestApp) -> reqwest::RequestBuilder {
    let req = app.client.post(app.url("/v1/admin/invites"));
    match &app.admin_token {
        Some(t) => req.header("x-admin-token", t),
        None => req,
    }
}

#[tokio::test]
async fn admin_invite_with_an_empty_body_uses_the_defaults() {
    let app = TestApp::spawn().await;
    let res = post_invite(&app).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body = json(res).await;
    let keys: std::collections::BTreeSet<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "code",
            "created_at",
            "created_by",
            "expires_at",
            "invite_type",
            "is_valid",
            "max_uses",
            "use_count",
            "used_at",
            "used_by"
        ]
        .into_iter()
        .collect()
    );
    let code = body["code"].as_str().unwrap();
    assert_eq!(code.len(), 12);
    assert!(
        code.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    );
    assert_eq!(body["created_by"], serde_json::Value::Null);
    assert_eq!(body["used_by"], serde_json::Value::Null);
    assert_eq!(body["used_at"], serde_json::Value::Null);
    assert_eq!(body["invite_type"], "admin");
    assert_eq!(body["is_valid"], true);
    assert_eq!(body["use_count"], 0);
    assert_eq!(body["max_uses"], 1);
    let created = chrono_like(&body["created_at"]);
    let expires = chrono_like(&body["expires_at"]);
    let days = (expires - created) / 86_400;
    assert_eq!(days, 7, "default validity is 7 days");
    assert!(body["created_at"].as_str().unwrap().ends_with('Z'));
}

/// Seconds since the epoch of an RFC 3339 timestamp.
fn chrono_like(v: &serde_json::Value) -> i64 {
    chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .expect("RFC 3339 timestamp")
        .timestamp()
}

#[tokio::test]
async fn admin_invite_days_valid_is_bounded() {
    let app = TestApp::spawn().await;
    let ok = post_invite(&app)
        .json(&serde_json::json!({"days_valid": 365}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    for bad in [0, 366, -1] {
        let res = post_invite(&app)
            .json(&serde_json::json!({"days_valid": bad}))
            .send()
            .await
            .unwrap();
        assert_error(res, 400, "days_valid must be between 1 and 365").await;
    }
}

#[tokio::test]
async fn admin_invite_needs_the_admin_token() {
    let app = TestApp::spawn().await;
    let res = app
        .client
        .post(app.url("/v1/admin/invites"))
        .send()
        .await
        .unwrap();
    assert_error(res, 403, "missing admin token").await;
    let res = app
        .client
        .post(app.url("/v1/admin/invites"))
        .header("x-admin-token", "guess")
        .send()
        .await
        .unwrap();
    assert_error(res, 403, "invalid admin token").await;
    let unset = TestApp::builder().without("ADMIN_TOKEN").spawn().await;
    let res = unset
        .client
        .post(unset.url("/v1/admin/invites"))
        .header("x-admin-token", "guess")
        .send()
        .await
        .unwrap();
    assert_error(res, 403, "admin token not configured").await;
}

#[tokio::test]
async fn malformed_json_is_a_400() {
    let app = TestApp::spawn().await;
    let res = post_invite(&app)
        .header("content-type", "application/json")
        .body("{\"days_valid\": ")
        .send()
        .await
        .unwrap();
    let message = assert_error_shape(res, 400).await;
    assert!(message.starts_with("malformed JSON"), "{message}");
}

#[tokio::test]
async fn a_body_that_is_not_declared_json_is_a_415() {
    let app = TestApp::spawn().await;
    let res = post_invite(&app)
        .header("content-type", "text/plain")
        .body("{\"days_valid\": 3}")
        .send()
        .await
        .unwrap();
    assert_error(res, 415, "Content-Type must be application/json").await;
    let res = post_invite(&app)
        .body("{\"days_valid\": 3}")
        .send()
        .await
        .unwrap();
    assert_error(res, 415, "Content-Type must be application/json").await;
}

#[tokio::test]
async fn well_formed_json_of_the_wrong_shape_is_a_422() {
    let app = TestApp::spawn().await;
    for body in [
        serde_json::json!({"days_valid": "seven"}),
        serde_json::json!({"days_valid": 1.5}),
        serde_json::json!([1, 2, 3]),
    ] {
        let res = post_invite(&app).json(&body).send().await.unwrap();
        let message = assert_error_shape(res, 422).await;
        assert!(message.starts_with("invalid request body"), "{message}");
    }
}

#[tokio::test]
async fn bodies_over_10_mib_are_a_413() {
    let app = TestApp::spawn().await;
    let huge = format!("{{\"pad\":\"{}\"}}", "x".repeat(10 * 1024 * 1024));
    let res = post_invite(&app)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_error(res, 413, "request body too large").await;
}

#[tokio::test]
async fn unknown_fields_are_ignored() {
    let app = TestApp::spawn().await;
    let res = post_invite(&app)
        .json(&serde_json::json!({"days_valid": 3, "colour": "blue"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

async fn audit(app: &TestApp, query: &str) -> reqwest::Response {
    app.client
        .get(app.url(&format!("/v1/moderation/audit{query}")))
        .header("x-admin-token", app.admin_token.as_deref().unwrap())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn audit_log_pages_newest_first_without_losing_items() {
    let app = TestApp::spawn().await;
    let empty = json(audit(&app, "").await).await;
    assert_eq!(empty, serde_json::json!({"items": [], "next_cursor": null}));

    // Five actions, two of them sharing a timestamp (the id breaks the tie).
    app.db
        .run_sql(
            "INSERT INTO moderation_actions (id, target_type, target_id, reason, created_at) VALUES \
             ('00000000-0000-4000-8000-000000000001', 'post', uuid_generate_v4(), 'a', '2024-01-01T00:00:01Z'), \
             ('00000000-0000-4000-8000-000000000002', 'post', uuid_generate_v4(), NULL, '2024-01-01T00:00:02Z'), \
             ('00000000-0000-4000-8000-000000000003', 'comment', uuid_generate_v4(), 'c', '2024-01-01T00:00:02Z'), \
             ('00000000-0000-4000-8000-000000000004', 'user_flag', uuid_generate_v4(), 'd', '2024-01-01T00:00:03.123456Z'), \
             ('00000000-0000-4000-8000-000000000005', 'post_flag', uuid_generate_v4(), 'e', '2024-01-01T00:00:04Z')",
        )
        .await;

    let mut seen = Vec::new();
    let mut query = "?limit=2".to_owned();
    loop {
        let page = json(audit(&app, &query).await).await;
        for item in page["items"].as_array().unwrap() {
            seen.push(item["id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => {
                query = format!(
                    "?limit=2&cursor={}",
                    c.replace(':', "%3A").replace('/', "%2F")
                )
            }
            None => break,
        }
    }
    let suffixes: Vec<&str> = seen.iter().map(|id| &id[id.len() - 1..]).collect();
    assert_eq!(suffixes, ["5", "4", "3", "2", "1"]);

    let first = json(audit(&app, "?limit=1").await).await;
    assert_eq!(
        first["next_cursor"],
        "2024-01-01T00:00:04.000000Z/00000000-0000-4000-8000-000000000005"
    );
    let item = &first["items"][0];
    assert_eq!(item["target_type"], "post_flag");
    assert_eq!(item["actor_id"], serde_json::Value::Null);
    assert_eq!(item["reason"], "e");
}

#[tokio::test]
async fn audit_log_rejects_bad_limits_and_cursors() {
    let app = TestApp::spawn().await;
    for q in ["?limit=0", "?limit=201", "?limit=abc", "?limit="] {
        assert_error(audit(&app, q).await, 400, "limit must be between 1 and 200").await;
    }
    for q in [
        "?cursor=garbage",
        "?cursor=2024-01-01T00:00:00Z",
        "?cursor=2024-01-01T00:00:00Z%2Fnot-a-uuid",
    ] {
        assert_error(audit(&app, q).await, 400, "invalid cursor").await;
    }
    let res = app
        .client
        .get(app.url("/v1/moderation/audit"))
        .send()
        .await
        .unwrap();
    assert_error(res, 403, "missing admin token").await;
}
