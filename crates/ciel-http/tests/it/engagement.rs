//! Likes and comments over HTTP: `{"created"}`, trust points and notifications in the same
//! transaction, counts that equal the rows under parallel like/unlike, pages, and the 404s.

use crate::posts::{encode, new_post};
use crate::{assert_error, assert_error_shape, json};
use ciel_testkit::{TestApp, TestUser};
use reqwest::Method;
use serde_json::{Value, json};

async fn trust(app: &TestApp, user: &TestUser) -> Value {
    json(
        app.as_user(user, Method::GET, "/v1/account/trust-score")
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn notifications(app: &TestApp, user: &TestUser, kind: &str) -> i64 {
    app.db
        .count(&format!(
            "SELECT count(*) AS n FROM notifications \
             WHERE user_id = '{}' AND notification_type = '{kind}'",
            user.id
        ))
        .await
}

async fn like(app: &TestApp, user: &TestUser, post: &str) -> reqwest::Response {
    app.as_user(user, Method::POST, &format!("/v1/posts/{post}/like"))
        .send()
        .await
        .unwrap()
}

async fn unlike(app: &TestApp, user: &TestUser, post: &str) -> reqwest::Response {
    app.as_user(user, Method::DELETE, &format!("/v1/posts/{post}/like"))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn likes_are_created_once_rewarded_notified_and_listed() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let post = new_post(&app, &ann, "likeable").await;
    let id = post["id"].as_str().unwrap();
    let before = trust(&app, &ann).await["trust_points"].as_i64().unwrap();

    assert_eq!(
        json(like(&app, &bob, id).await).await,
        json!({"created": true})
    );
    assert_eq!(
        json(like(&app, &bob, id).await).await,
        json!({"created": false})
    );
    let t = trust(&app, &ann).await;
    assert_eq!(
        t["trust_points"].as_i64().unwrap(),
        before + 1,
        "one point, once"
    );
    assert_eq!(notifications(&app, &ann, "post_liked").await, 1);
    let payload = app
        .db
        .count(&format!(
            "SELECT count(*) AS n FROM notifications WHERE user_id = '{}' \
             AND payload->>'post_id' = '{id}' AND payload->>'liker_id' = '{}' \
             AND payload->>'liker_handle' = 'bob' AND payload->>'actor_handle' = 'bob'",
            ann.id, bob.id
        ))
        .await;
    assert_eq!(payload, 1, "post_liked payload");
    // Liking one's own post: created, but nobody is notified and no points are earned.
    assert_eq!(json(like(&app, &ann, id).await).await["created"], true);
    assert_eq!(notifications(&app, &ann, "post_liked").await, 1);
    assert_eq!(
        trust(&app, &ann).await["trust_points"].as_i64().unwrap(),
        before + 1,
        "a self-like earns nothing"
    );

    let path = format!("/v1/posts/{id}");
    let seen = json(app.as_user(&bob, Method::GET, &path).send().await.unwrap()).await;
    assert_eq!(seen["like_count"], 2);
    assert_eq!(seen["liked_by_viewer"], true);
    assert_eq!(json(app.get(&path).await).await["like_count"], 2);

    let likes = json(
        app.as_user(&bob, Method::GET, &format!("/v1/posts/{id}/likes"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let items = likes["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["user_id"], ann.id, "newest first");
    assert_eq!(items[1]["user_id"], bob.id);
    assert_eq!(items[1]["post_id"], id);
    assert!(items[1]["id"].is_string() && items[1]["created_at"].is_string());
    assert_eq!(likes["next_cursor"], Value::Null);

    assert_eq!(unlike(&app, &bob, id).await.status(), 204);
    assert_error(unlike(&app, &bob, id).await, 404, "like not found").await;
    let seen = json(app.as_user(&bob, Method::GET, &path).send().await.unwrap()).await;
    assert_eq!(seen["like_count"], 1);
    assert_eq!(seen["liked_by_viewer"], false);

    let missing = uuid::Uuid::new_v4();
    assert_error(
        like(&app, &bob, &missing.to_string()).await,
        404,
        "post not found",
    )
    .await;
    assert_error(
        unlike(&app, &bob, &missing.to_string()).await,
        404,
        "like not found",
    )
    .await;
    assert_error(like(&app, &bob, "nope").await, 400, "invalid id").await;
    let res = app
        .post_json(&format!("/v1/posts/{id}/like"), &json!({}))
        .await;
    assert_error(res, 401, "missing Authorization header").await;
    assert_error(
        app.get(&format!("/v1/posts/{id}/likes")).await,
        401,
        "missing Authorization header",
    )
    .await;
    for (query, message) in [
        ("limit=0", "limit must be between 1 and 200"),
        ("cursor=x", "invalid cursor"),
    ] {
        let res = app
            .as_user(&bob, Method::GET, &format!("/v1/posts/{id}/likes?{query}"))
            .send()
            .await
            .unwrap();
        assert_error(res, 400, message).await;
    }
}

#[tokio::test]
async fn like_count_equals_the_rows_under_parallel_likes_and_unlikes() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let post = new_post(&app, &ann, "popular").await;
    let id = post["id"].as_str().unwrap().to_owned();
    let mut users = Vec::new();
    for i in 0..6 {
        users.push(app.user(&format!("liker{i}")).await);
    }
    // Every user toggles 9 times (like, unlike, …, like) while the others do the same, and
    // fires two likes at once at the end: exactly one of those may be new.
    let runs = users.iter().enumerate().map(|(i, u)| {
        let (app, id) = (&app, id.clone());
        async move {
            for round in 0..9 {
                let res = if round % 2 == 0 {
                    like(app, u, &id).await
                } else {
                    unlike(app, u, &id).await
                };
                assert!(res.status().is_success(), "round {round}: {}", res.status());
            }
            if i % 2 == 0 {
                assert_eq!(unlike(app, u, &id).await.status(), 204);
                let (a, b) = tokio::join!(like(app, u, &id), like(app, u, &id));
                let created = [json(a).await, json(b).await]
                    .iter()
                    .filter(|v| v["created"] == true)
                    .count();
                assert_eq!(created, 1, "one of two concurrent likes is new");
            }
        }
    });
    futures_util::future::join_all(runs).await;

    let rows = app
        .db
        .count(&format!(
            "SELECT count(*) AS n FROM likes WHERE post_id = '{id}'"
        ))
        .await;
    assert_eq!(rows, 6, "every user ends with one like");
    let shown = json(app.get(&format!("/v1/posts/{id}")).await).await;
    assert_eq!(shown["like_count"], rows);
    // Trust: one point per newly created like; notifications likewise.
    let created_likes = 6 * 5 + 3;
    let t = trust(&app, &ann).await;
    assert_eq!(t["trust_points"], 5 + created_likes);
    assert_eq!(notifications(&app, &ann, "post_liked").await, created_likes);
}

#[tokio::test]
async fn one_pairs_parallel_likes_and_unlikes_leave_counts_points_and_notices_equal_to_rows() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let post = new_post(&app, &ann, "contested").await;
    let id = post["id"].as_str().unwrap().to_owned();
    let points = trust(&app, &ann).await["trust_points"].as_i64().unwrap();
    let mut created_total = 0;
    for round in 0..3 {
        // The same pair, 12 likes and 12 unlikes at once.
        let requests = (0..24).map(|i| {
            let (app, bob, id) = (&app, &bob, id.as_str());
            async move {
                if (i + round) % 2 == 0 {
                    let res = like(app, bob, id).await;
                    assert_eq!(res.status(), 200, "like");
                    json(res).await["created"] == true
                } else {
                    let res = unlike(app, bob, id).await;
                    let status = res.status().as_u16();
                    if status == 404 {
                        assert_error(res, 404, "like not found").await;
                    } else {
                        assert_eq!(status, 204, "unlike");
                    }
                    false
                }
            }
        });
        let created = futures_util::future::join_all(requests)
            .await
            .into_iter()
            .filter(|c| *c)
            .count() as i64;
        created_total += created;
        let rows = app
            .db
            .count(&format!(
                "SELECT count(*) AS n FROM likes WHERE post_id = '{id}'"
            ))
            .await;
        assert!(rows <= 1, "round {round}: one like per pair at most");
        let shown = json(
            app.as_user(&bob, Method::GET, &format!("/v1/posts/{id}"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(shown["like_count"], rows, "round {round}");
        assert_eq!(shown["liked_by_viewer"], rows == 1, "round {round}");
        // Every like that was really created, and only those, paid a point and told ann.
        assert_eq!(
            trust(&app, &ann).await["trust_points"].as_i64().unwrap(),
            points + created_total,
            "round {round}"
        );
        assert_eq!(
            notifications(&app, &ann, "post_liked").await,
            created_total,
            "round {round}"
        );
    }
    assert!(created_total >= 1, "some like was created");
}

async fn comment(app: &TestApp, user: &TestUser, post: &str, body: Value) -> reqwest::Response {
    app.as_user(user, Method::POST, &format!("/v1/posts/{post}/comment"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn comments_are_checked_rewarded_notified_paged_and_deleted_by_their_author() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let post = new_post(&app, &ann, "talk").await;
    let id = post["id"].as_str().unwrap().to_owned();
    let other = new_post(&app, &ann, "elsewhere").await;
    let other_id = other["id"].as_str().unwrap().to_owned();

    let c = json(comment(&app, &bob, &id, json!({"body": "  nice  "})).await).await;
    assert_eq!(c["body"], "  nice  ", "stored as sent");
    assert_eq!(c["user_id"], bob.id);
    assert_eq!(c["post_id"], id);
    assert_eq!(c["user_handle"], "bob");
    assert_eq!(c["user_display_name"], "bob display");
    assert_eq!(trust(&app, &bob).await["trust_points"], 2);
    assert_eq!(notifications(&app, &ann, "post_commented").await, 1);
    let preview = app
        .db
        .count(&format!(
            "SELECT count(*) AS n FROM notifications WHERE user_id = '{}' \
             AND payload->>'comment_preview' = '  nice  ' AND payload->>'commenter_id' = '{}'",
            ann.id, bob.id
        ))
        .await;
    assert_eq!(preview, 1);
    // One's own comment earns points but notifies nobody.
    comment(&app, &ann, &id, json!({"body": "thanks"})).await;
    assert_eq!(notifications(&app, &ann, "post_commented").await, 1);

    assert_error(
        comment(&app, &bob, &id, json!({"body": " \n\t "})).await,
        400,
        "comment body cannot be empty",
    )
    .await;
    assert_error(
        comment(&app, &bob, &id, json!({"body": "a".repeat(1001)})).await,
        400,
        "comment body exceeds 1000 characters",
    )
    .await;
    let max = comment(&app, &bob, &id, json!({"body": "é".repeat(1000)})).await;
    assert_eq!(max.status(), 200, "1000 characters (2000 bytes) is fine");
    assert_error_shape(comment(&app, &bob, &id, json!({})).await, 422).await;
    assert_error_shape(comment(&app, &bob, &id, json!({"body": 5})).await, 422).await;
    assert_error(
        comment(
            &app,
            &bob,
            &uuid::Uuid::new_v4().to_string(),
            json!({"body": "x"}),
        )
        .await,
        404,
        "post not found",
    )
    .await;

    let shown = json(app.get(&format!("/v1/posts/{id}")).await).await;
    assert_eq!(shown["comment_count"], 3);

    // Pages: newest first, every comment exactly once while new ones are written.
    let list = |cursor: Option<String>| {
        let mut path = format!("/v1/posts/{id}/comments?limit=2");
        if let Some(c) = cursor {
            path.push_str(&format!("&cursor={}", encode(&c)));
        }
        app.as_user(&bob, Method::GET, &path).send()
    };
    let all = json(
        app.as_user(&bob, Method::GET, &format!("/v1/posts/{id}/comments"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let expected: Vec<Value> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].clone())
        .collect();
    assert_eq!(expected.len(), 3);
    assert_eq!(all["items"][2]["id"], c["id"], "oldest last");
    assert_eq!(all["items"][1]["user_handle"], "ann");
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = json(list(cursor).await.unwrap()).await;
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].clone()),
        );
        comment(&app, &bob, &id, json!({"body": "late"})).await;
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, expected);

    // Deleting: only the author's own comment on that post.
    let cid = c["id"].as_str().unwrap();
    let del = |user: &TestUser, post: &str, comment: &str| {
        app.as_user(
            user,
            Method::DELETE,
            &format!("/v1/posts/{post}/comments/{comment}"),
        )
        .send()
    };
    assert_error(del(&ann, &id, cid).await.unwrap(), 404, "comment not found").await;
    assert_error(
        del(&bob, &other_id, cid).await.unwrap(),
        404,
        "comment not found",
    )
    .await;
    assert_error(
        del(&bob, &id, &uuid::Uuid::new_v4().to_string())
            .await
            .unwrap(),
        404,
        "comment not found",
    )
    .await;
    assert_error(del(&bob, &id, "nope").await.unwrap(), 400, "invalid id").await;
    assert_eq!(del(&bob, &id, cid).await.unwrap().status(), 204);
    assert_error(del(&bob, &id, cid).await.unwrap(), 404, "comment not found").await;
    let res = app
        .client
        .delete(app.url(&format!("/v1/posts/{id}/comments/{cid}")))
        .send()
        .await
        .unwrap();
    assert_error(res, 401, "missing Authorization header").await;
    assert_error(
        app.get(&format!("/v1/posts/{id}/comments")).await,
        401,
        "missing Authorization header",
    )
    .await;
    let res = app
        .as_user(
            &bob,
            Method::GET,
            &format!("/v1/posts/{id}/comments?limit=500"),
        )
        .send()
        .await
        .unwrap();
    assert_error(res, 400, "limit must be between 1 and 200").await;
}
