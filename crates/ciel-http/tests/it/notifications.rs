//! Notifications over HTTP (contract §2.8, §3.4): the caller's list, newest first and paged
//! exactly once, the stored payload, mark-read and its 404s.

use crate::{assert_error, json};
use ciel_testkit::{TestApp, TestUser};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

async fn list(app: &TestApp, user: &TestUser, query: &str) -> Value {
    let res = app
        .as_user(user, Method::GET, &format!("/v1/notifications{query}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    json(res).await
}

async fn mark_read(app: &TestApp, user: &TestUser, id: &str) -> reqwest::Response {
    app.as_user(user, Method::POST, &format!("/v1/notifications/{id}/read"))
        .send()
        .await
        .unwrap()
}

async fn follow(app: &TestApp, user: &TestUser, target: &TestUser) {
    let res = app
        .as_user(
            user,
            Method::POST,
            &format!("/v1/users/{}/follow", target.id),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
}

#[tokio::test]
async fn a_new_follower_is_told_with_the_contract_payload_and_can_mark_it_read() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    follow(&app, &ann, &bob).await;

    assert_eq!(
        list(&app, &ann, "").await,
        json!({"items": [], "next_cursor": null}),
        "nothing for one's own action"
    );
    let page = list(&app, &bob, "").await;
    assert_eq!(page["next_cursor"], Value::Null);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let n = &items[0];
    let id = n["id"].as_str().unwrap().to_owned();
    assert!(Uuid::parse_str(&id).is_ok());
    assert_eq!(n["user_id"], bob.id.as_str());
    assert_eq!(n["notification_type"], "user_followed");
    assert_eq!(n["read_at"], Value::Null);
    assert!(n["created_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        n["payload"],
        json!({
            "follower_id": ann.id,
            "follower_handle": "ann",
            "actor_id": ann.id,
            "actor_handle": "ann",
            "actor_display_name": "ann display",
        })
    );
    assert_eq!(n.as_object().unwrap().len(), 6, "{n}");

    // Someone else cannot mark it; the owner can, once.
    assert_error(
        mark_read(&app, &ann, &id).await,
        404,
        "notification not found",
    )
    .await;
    let res = mark_read(&app, &bob, &id).await;
    assert_eq!(res.status(), 204);
    assert!(res.text().await.unwrap().is_empty());
    assert_error(
        mark_read(&app, &bob, &id).await,
        404,
        "notification not found",
    )
    .await;
    let read = &list(&app, &bob, "").await["items"][0];
    assert_eq!(read["id"], id.as_str());
    assert!(
        read["read_at"].as_str().is_some_and(|t| t.ends_with('Z')),
        "{read}"
    );

    // Unfollow and block tell nobody.
    for verb in ["unfollow", "block", "unblock"] {
        let res = app
            .as_user(&ann, Method::POST, &format!("/v1/users/{}/{verb}", bob.id))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success());
    }
    assert_eq!(
        list(&app, &bob, "").await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        list(&app, &ann, "").await["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[tokio::test]
async fn mark_read_and_list_errors() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    assert_error(
        mark_read(&app, &ann, &Uuid::new_v4().to_string()).await,
        404,
        "notification not found",
    )
    .await;
    assert_error(mark_read(&app, &ann, "not-a-uuid").await, 400, "invalid id").await;
    let res = app
        .client
        .post(app.url(&format!("/v1/notifications/{}/read", Uuid::new_v4())))
        .send()
        .await
        .unwrap();
    assert_error(res, 401, "missing Authorization header").await;
    let res = app.get("/v1/notifications").await;
    assert_error(res, 401, "missing Authorization header").await;
    for (query, message) in [
        ("limit=0", "limit must be between 1 and 200"),
        ("limit=201", "limit must be between 1 and 200"),
        ("limit=x", "limit must be between 1 and 200"),
        ("cursor=bad", "invalid cursor"),
        ("cursor=2024-01-15T12:00:00Z%2Fnope", "invalid cursor"),
    ] {
        let res = app
            .as_user(&ann, Method::GET, &format!("/v1/notifications?{query}"))
            .send()
            .await
            .unwrap();
        assert_error(res, 400, message).await;
    }
    let res = app
        .as_user(&ann, Method::DELETE, "/v1/notifications")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
}

#[tokio::test]
async fn pages_return_every_notification_once_newest_first_while_new_ones_arrive() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    // Eleven stored notifications over four timestamps (ties broken by id DESC), and one of
    // another user's that never shows.
    let mut expected = Vec::new();
    let mut values = Vec::new();
    let mut payloads = std::collections::HashMap::new();
    for i in 0..11 {
        let id = Uuid::new_v4().to_string();
        let ts = format!("2024-02-0{}T08:30:00.000001Z", 1 + i / 3);
        values.push(format!(
            "('{id}', '{}', 'post_liked', '{{\"post_id\": \"p{i}\"}}', '{ts}')",
            ann.id
        ));
        payloads.insert(id.clone(), i);
        expected.push((ts, id));
    }
    values.push(format!(
        "('{}', '{}', 'post_liked', '{{}}', '2024-02-01T08:30:00Z')",
        Uuid::new_v4(),
        bob.id
    ));
    app.db
        .run_sql(&format!(
            "INSERT INTO notifications (id, user_id, notification_type, payload, created_at) VALUES {}",
            values.join(", ")
        ))
        .await;
    expected.sort_by(|a, b| b.cmp(a));

    let mut got = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut req = app
            .as_user(&ann, Method::GET, "/v1/notifications")
            .query(&[("limit", "4")]);
        if let Some(c) = &cursor {
            req = req.query(&[("cursor", c)]);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 200);
        let page = json(res).await;
        pages += 1;
        for n in page["items"].as_array().unwrap() {
            got.push((
                n["created_at"].as_str().unwrap().to_owned(),
                n["id"].as_str().unwrap().to_owned(),
            ));
        }
        // A new notification arrives between pages (a real follow: bob follows ann, then
        // unfollows so the next follow is new again).
        follow(&app, &bob, &ann).await;
        let res = app
            .as_user(
                &bob,
                Method::POST,
                &format!("/v1/users/{}/unfollow", ann.id),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(got, expected);
    // The three that arrived meanwhile come first now; payloads are the stored objects.
    let all = list(&app, &ann, "?limit=200").await;
    let items = all["items"].as_array().unwrap();
    assert_eq!(items.len(), 11 + 3);
    for n in &items[..3] {
        assert_eq!(n["notification_type"], "user_followed");
        assert_eq!(n["payload"]["follower_handle"], "bob");
    }
    for (n, (_, id)) in items[3..].iter().zip(&expected) {
        assert_eq!(n["id"], id.as_str());
        let i = payloads[id];
        assert_eq!(n["payload"], json!({"post_id": format!("p{i}")}));
    }
}
