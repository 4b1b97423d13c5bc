//! `/v1/moderation/*`: user reports with trust effects, admin takedowns, the audit trail.

use crate::{assert_error, json};
use ciel_testkit::{TestApp, TestUser};
use reqwest::Method;
use serde_json::json;

async fn post_of(app: &TestApp, owner: &TestUser) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    app.db
        .run_sql(&format!(
            "INSERT INTO posts (id, owner_id, caption) VALUES ('{id}', '{}', 'hello')",
            owner.id
        ))
        .await;
    id
}

async fn trust(app: &TestApp, user: &TestUser) -> serde_json::Value {
    json(
        app.as_user(user, Method::GET, "/v1/account/trust-score")
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn user_reports_flag_once_audit_and_cost_trust() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let path = format!("/v1/moderation/users/{}/flag", bob.id);
    let res = app
        .as_user(&ann, Method::POST, &path)
        .json(&json!({"reason": "spam"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let flag = json(res).await;
    assert_eq!(
        (flag["reporter_id"].as_str(), flag["target_id"].as_str()),
        (Some(ann.id.as_str()), Some(bob.id.as_str()))
    );
    assert_eq!(flag["reason"], "spam");
    assert_error(
        app.as_user(&ann, Method::POST, &path).send().await.unwrap(),
        409,
        "you have already reported this user",
    )
    .await;
    let self_path = format!("/v1/moderation/users/{}/flag", ann.id);
    assert_error(
        app.as_user(&ann, Method::POST, &self_path)
            .send()
            .await
            .unwrap(),
        400,
        "cannot report yourself",
    )
    .await;
    let ghost = format!("/v1/moderation/users/{}/flag", uuid::Uuid::new_v4());
    assert_error(
        app.as_user(&ann, Method::POST, &ghost)
            .send()
            .await
            .unwrap(),
        404,
        "user not found",
    )
    .await;

    let audit = json(
        app.as_admin(Method::GET, "/v1/moderation/audit")
            .send()
            .await
            .unwrap(),
    )
    .await;
    let entry = &audit["items"][0];
    assert_eq!(
        (entry["target_type"].as_str(), entry["actor_id"].as_str()),
        (Some("user_flag"), Some(ann.id.as_str()))
    );
    assert_eq!(entry["target_id"], bob.id);
}

#[tokio::test]
async fn post_reports_hit_the_owner_and_refuse_own_posts() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let post = post_of(&app, &bob).await;
    let path = format!("/v1/moderation/posts/{post}/flag");
    let res = app.as_user(&ann, Method::POST, &path).send().await.unwrap();
    assert_eq!(res.status(), 200, "an empty body means no reason");
    let flag = json(res).await;
    assert_eq!(flag["post_id"], post);
    assert_eq!(flag["reason"], serde_json::Value::Null);
    assert_error(
        app.as_user(&ann, Method::POST, &path).send().await.unwrap(),
        409,
        "you have already reported this post",
    )
    .await;
    assert_error(
        app.as_user(&bob, Method::POST, &path).send().await.unwrap(),
        400,
        "cannot report your own post",
    )
    .await;
    let ghost = format!("/v1/moderation/posts/{}/flag", uuid::Uuid::new_v4());
    assert_error(
        app.as_user(&ann, Method::POST, &ghost)
            .send()
            .await
            .unwrap(),
        404,
        "post not found",
    )
    .await;
    let t = trust(&app, &bob).await;
    assert_eq!(t["trust_points"], 0, "points never go below zero");
}

#[tokio::test]
async fn takedowns_are_admin_only_audited_and_cost_25_points() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    app.db
        .run_sql(&format!(
            "UPDATE user_trust_scores SET trust_points = 100 WHERE user_id = '{}'",
            ann.id
        ))
        .await;
    let post = post_of(&app, &ann).await;
    let path = format!("/v1/moderation/posts/{post}/takedown");
    assert_error(
        app.as_user(&ann, Method::POST, &path).send().await.unwrap(),
        403,
        "missing admin token",
    )
    .await;
    let res = app
        .as_admin(Method::POST, &path)
        .json(&json!({"reason": "nsfw"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_error(
        app.as_admin(Method::POST, &path).send().await.unwrap(),
        404,
        "post not found",
    )
    .await;
    assert_eq!(trust(&app, &ann).await["trust_points"], 75);

    // A comment takedown, with a bearer user as the audit actor.
    let mod_user = app.user("moderator").await;
    let other = post_of(&app, &mod_user).await;
    let comment = uuid::Uuid::new_v4();
    app.db
        .run_sql(&format!("INSERT INTO comments (id, user_id, post_id, body) VALUES ('{comment}', '{}', '{other}', 'rude')", ann.id))
        .await;
    let res = app
        .as_admin(
            Method::POST,
            &format!("/v1/moderation/comments/{comment}/takedown"),
        )
        .header("authorization", mod_user.bearer())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(trust(&app, &ann).await["trust_points"], 50);
    let audit = json(
        app.as_admin(Method::GET, "/v1/moderation/audit")
            .send()
            .await
            .unwrap(),
    )
    .await;
    let items = audit["items"].as_array().unwrap();
    assert_eq!(items[0]["target_type"], "comment");
    assert_eq!(items[0]["actor_id"], mod_user.id);
    assert_eq!(items[1]["target_type"], "post");
    assert_eq!(items[1]["actor_id"], serde_json::Value::Null);
    assert_eq!(items[1]["reason"], "nsfw");
    let res = app
        .as_admin(
            Method::POST,
            &format!("/v1/moderation/comments/{}/takedown", uuid::Uuid::new_v4()),
        )
        .send()
        .await
        .unwrap();
    assert_error(res, 404, "comment not found").await;
}

#[tokio::test]
async fn the_tenth_report_is_a_strike() {
    let app = TestApp::spawn().await;
    let target = app.user("target").await;
    app.db
        .run_sql(&format!(
            "UPDATE user_trust_scores SET trust_points = 500 WHERE user_id = '{}'",
            target.id
        ))
        .await;
    for i in 0..10 {
        let reporter = app.user(&format!("reporter{i}")).await;
        let res = app
            .as_user(
                &reporter,
                Method::POST,
                &format!("/v1/moderation/users/{}/flag", target.id),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    let t = trust(&app, &target).await;
    assert_eq!(t["strikes"], 1);
    assert_eq!(t["trust_points"], 500 - 100 - 50);
    assert_eq!(t["is_banned"], false);
}
