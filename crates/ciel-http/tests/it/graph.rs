//! The social graph over HTTP (contract §2.4, §3.1, §3.2): follow, unfollow, block, unblock,
//! relationship, follower and following lists, the follower limit, counters under concurrency,
//! the notification and trust points written in the follow's transaction, and the feed-cache
//! keys a graph change drops.

use crate::{assert_error, json};
use ciel_cache::RedisCache;
use ciel_domain::ports::Cache;
use ciel_testkit::{TestApp, TestUser};
use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;
use uuid::Uuid;

/// `POST /v1/users/{target}/{verb}` as `user`.
async fn act(app: &TestApp, user: &TestUser, verb: &str, target: &str) -> reqwest::Response {
    app.as_user(user, Method::POST, &format!("/v1/users/{target}/{verb}"))
        .send()
        .await
        .unwrap()
}

/// Asserts a 204 with an empty body.
async fn assert_no_content(res: reqwest::Response) {
    assert_eq!(res.status(), 204);
    assert!(res.text().await.unwrap().is_empty());
}

async fn relationship(app: &TestApp, user: &TestUser, target: &str) -> Value {
    let res = app
        .as_user(
            user,
            Method::GET,
            &format!("/v1/users/{target}/relationship"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    json(res).await
}

fn rel(following: bool, followed_by: bool, blocking: bool, blocked_by: bool) -> Value {
    json!({
        "is_following": following,
        "is_followed_by": followed_by,
        "is_blocking": blocking,
        "is_blocked_by": blocked_by,
    })
}

async fn edges(app: &TestApp, follower: &str, followee: &str) -> i64 {
    app.db
        .scalar(&format!(
            "SELECT count(*) FROM follows WHERE follower_id = '{follower}' AND followee_id = '{followee}'"
        ))
        .await
}

async fn follower_notifications(app: &TestApp, user: &str) -> i64 {
    app.db
        .scalar(&format!(
            "SELECT count(*) FROM notifications WHERE user_id = '{user}' AND notification_type = 'user_followed'"
        ))
        .await
}

async fn trust_points(app: &TestApp, user: &str) -> i64 {
    app.db
        .scalar(&format!(
            "SELECT trust_points FROM user_trust_scores WHERE user_id = '{user}'"
        ))
        .await
}

async fn profile(app: &TestApp, user: &str) -> Value {
    let res = app.get(&format!("/v1/users/{user}")).await;
    assert_eq!(res.status(), 200);
    json(res).await
}

/// Inserts `n` users named `{prefix}{i}` straight into the database and returns their ids.
async fn seed_users(app: &TestApp, prefix: &str, n: usize) -> Vec<String> {
    let ids: Vec<String> = (0..n).map(|_| Uuid::new_v4().to_string()).collect();
    let values: Vec<String> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            format!("('{id}', '{prefix}{i}', '{prefix}{i}@example.com', '{prefix} {i}')")
        })
        .collect();
    app.db
        .run_sql(&format!(
            "INSERT INTO users (id, handle, email, display_name) VALUES {}",
            values.join(", ")
        ))
        .await;
    ids
}

/// Inserts `n` users (handles `fan{i}`) who all follow `star`, with SQL.
async fn seed_fans(app: &TestApp, star: &str, n: usize) {
    app.db
        .run_sql(&format!(
            "INSERT INTO users (handle, email, display_name) \
             SELECT 'fan' || g, 'fan' || g || '@example.com', 'fan' FROM generate_series(1, {n}) g; \
             INSERT INTO follows (follower_id, followee_id) \
             SELECT id, '{star}' FROM users WHERE handle LIKE 'fan%';"
        ))
        .await;
}

#[tokio::test]
async fn follow_is_idempotent_and_notifies_and_rewards_only_new_edges() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;

    assert_no_content(act(&app, &ann, "follow", &bob.id).await).await;
    assert_eq!(edges(&app, &ann.id, &bob.id).await, 1);
    assert_eq!(
        relationship(&app, &ann, &bob.id).await,
        rel(true, false, false, false)
    );
    assert_eq!(
        relationship(&app, &bob, &ann.id).await,
        rel(false, true, false, false)
    );
    assert_eq!(profile(&app, &bob.id).await["followers_count"], 1);
    assert_eq!(profile(&app, &ann.id).await["following_count"], 1);
    assert_eq!(follower_notifications(&app, &bob.id).await, 1);
    assert_eq!(trust_points(&app, &bob.id).await, 3, "follower gained: +3");

    // Following again changes nothing: no second notification, no more points.
    assert_no_content(act(&app, &ann, "follow", &bob.id).await).await;
    assert_eq!(edges(&app, &ann.id, &bob.id).await, 1);
    assert_eq!(follower_notifications(&app, &bob.id).await, 1);
    assert_eq!(trust_points(&app, &bob.id).await, 3);
    // The follower gets nothing for their own action.
    assert_eq!(follower_notifications(&app, &ann.id).await, 0);
    assert_eq!(trust_points(&app, &ann.id).await, 0);

    // Unfollow (twice: the second is still 204), no notification.
    assert_no_content(act(&app, &ann, "unfollow", &bob.id).await).await;
    assert_no_content(act(&app, &ann, "unfollow", &bob.id).await).await;
    assert_eq!(edges(&app, &ann.id, &bob.id).await, 0);
    assert_eq!(
        relationship(&app, &ann, &bob.id).await,
        rel(false, false, false, false)
    );
    assert_eq!(profile(&app, &bob.id).await["followers_count"], 0);
    assert_eq!(follower_notifications(&app, &bob.id).await, 1);

    // A follow after an unfollow is a new edge: told again.
    assert_no_content(act(&app, &ann, "follow", &bob.id).await).await;
    assert_eq!(follower_notifications(&app, &bob.id).await, 2);
    assert_eq!(trust_points(&app, &bob.id).await, 6);
    let followed_at = app
        .db
        .scalar(&format!(
            "SELECT count(*) FROM follows WHERE follower_id = '{}' AND created_at > now() - interval '1 minute'",
            ann.id
        ))
        .await;
    assert_eq!(followed_at, 1, "the edge's created_at is the server's now");

    // A body on these routes is ignored.
    let res = app
        .as_user(&bob, Method::POST, &format!("/v1/users/{}/follow", ann.id))
        .json(&json!({"anything": true}))
        .send()
        .await
        .unwrap();
    assert_no_content(res).await;
    assert_eq!(
        relationship(&app, &ann, &bob.id).await,
        rel(true, true, false, false)
    );
}

#[tokio::test]
async fn self_actions_unknown_and_deleted_targets_bad_ids_and_missing_tokens() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let gone = app.user("gone").await;
    assert_eq!(
        app.as_user(&gone, Method::DELETE, "/v1/account")
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    let me = ann.id.clone();
    assert_error(
        act(&app, &ann, "follow", &me).await,
        400,
        "cannot follow yourself",
    )
    .await;
    assert_error(
        act(&app, &ann, "unfollow", &me).await,
        400,
        "cannot unfollow yourself",
    )
    .await;
    assert_error(
        act(&app, &ann, "block", &me).await,
        400,
        "cannot block yourself",
    )
    .await;
    assert_error(
        act(&app, &ann, "unblock", &me).await,
        400,
        "cannot unblock yourself",
    )
    .await;
    assert_eq!(
        relationship(&app, &ann, &me).await,
        rel(false, false, false, false)
    );

    let unknown = Uuid::new_v4().to_string();
    for target in [&unknown, &gone.id] {
        assert_error(
            act(&app, &ann, "follow", target).await,
            404,
            "user not found",
        )
        .await;
        assert_error(
            act(&app, &ann, "block", target).await,
            404,
            "user not found",
        )
        .await;
        assert_no_content(act(&app, &ann, "unfollow", target).await).await;
        let res = act(&app, &ann, "unblock", target).await;
        assert_eq!(res.status(), 200);
        assert_eq!(json(res).await, json!({"unblocked": false}));
        assert_eq!(
            relationship(&app, &ann, target).await,
            rel(false, false, false, false)
        );
    }
    assert_eq!(app.db.scalar("SELECT count(*) FROM follows").await, 0);
    assert_eq!(app.db.scalar("SELECT count(*) FROM blocks").await, 0);

    for verb in ["follow", "unfollow", "block", "unblock"] {
        assert_error(act(&app, &ann, verb, "not-a-uuid").await, 400, "invalid id").await;
        let res = app
            .client
            .post(app.url(&format!("/v1/users/{unknown}/{verb}")))
            .send()
            .await
            .unwrap();
        assert_error(res, 401, "missing Authorization header").await;
    }
    for path in ["relationship", "followers", "following"] {
        let res = app
            .as_user(&ann, Method::GET, &format!("/v1/users/not-a-uuid/{path}"))
            .send()
            .await
            .unwrap();
        assert_error(res, 400, "invalid id").await;
        let res = app.get(&format!("/v1/users/{}/{path}", ann.id)).await;
        assert_error(res, 401, "missing Authorization header").await;
    }
    // A known path with another method is a 405, not a 404.
    let res = app
        .as_user(&ann, Method::GET, &format!("/v1/users/{unknown}/follow"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
}

#[tokio::test]
async fn block_removes_edges_both_ways_and_follows_across_it_are_no_ops() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    assert_no_content(act(&app, &ann, "follow", &bob.id).await).await;
    assert_no_content(act(&app, &bob, "follow", &ann.id).await).await;
    let told_bob = follower_notifications(&app, &bob.id).await;
    let told_ann = follower_notifications(&app, &ann.id).await;

    let res = act(&app, &ann, "block", &bob.id).await;
    assert_eq!(res.status(), 200);
    assert_eq!(json(res).await, json!({"blocked": true}));
    let res = act(&app, &ann, "block", &bob.id).await;
    assert_eq!(
        json(res).await,
        json!({"blocked": false}),
        "already blocked"
    );
    assert_eq!(edges(&app, &ann.id, &bob.id).await, 0);
    assert_eq!(edges(&app, &bob.id, &ann.id).await, 0);
    assert_eq!(
        relationship(&app, &ann, &bob.id).await,
        rel(false, false, true, false)
    );
    assert_eq!(
        relationship(&app, &bob, &ann.id).await,
        rel(false, false, false, true)
    );
    for id in [&ann.id, &bob.id] {
        let p = profile(&app, id).await;
        assert_eq!(
            (p["followers_count"].as_i64(), p["following_count"].as_i64()),
            (Some(0), Some(0))
        );
    }

    // Follows across the block, either way, are silent no-ops.
    assert_no_content(act(&app, &bob, "follow", &ann.id).await).await;
    assert_no_content(act(&app, &ann, "follow", &bob.id).await).await;
    assert_eq!(
        edges(&app, &ann.id, &bob.id).await + edges(&app, &bob.id, &ann.id).await,
        0
    );
    // Blocking back is allowed; both blocks show.
    assert_eq!(
        json(act(&app, &bob, "block", &ann.id).await).await,
        json!({"blocked": true})
    );
    assert_eq!(
        relationship(&app, &ann, &bob.id).await,
        rel(false, false, true, true)
    );
    // Nothing was told about any of it.
    assert_eq!(follower_notifications(&app, &bob.id).await, told_bob);
    assert_eq!(follower_notifications(&app, &ann.id).await, told_ann);
    assert_eq!(
        app.db.scalar("SELECT count(*) FROM notifications").await,
        told_ann + told_bob
    );

    // Unblock: true once, then false; the follows stay gone; bob's block still holds.
    let res = act(&app, &ann, "unblock", &bob.id).await;
    assert_eq!(res.status(), 200);
    assert_eq!(json(res).await, json!({"unblocked": true}));
    assert_eq!(
        json(act(&app, &ann, "unblock", &bob.id).await).await,
        json!({"unblocked": false})
    );
    assert_eq!(
        relationship(&app, &ann, &bob.id).await,
        rel(false, false, false, true)
    );
    assert_no_content(act(&app, &ann, "follow", &bob.id).await).await;
    assert_eq!(
        edges(&app, &ann.id, &bob.id).await,
        0,
        "bob still blocks ann"
    );
    // Once both blocks are gone, following works again.
    assert_eq!(
        json(act(&app, &bob, "unblock", &ann.id).await).await,
        json!({"unblocked": true})
    );
    assert_no_content(act(&app, &ann, "follow", &bob.id).await).await;
    assert_eq!(
        relationship(&app, &ann, &bob.id).await,
        rel(true, false, false, false)
    );
}

#[tokio::test]
async fn the_follower_limit_refuses_the_5001st_follower() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let star = app.user("star").await;
    // Ann already follows the star; 4999 seeded followers bring the star to 5000.
    assert_no_content(act(&app, &ann, "follow", &star.id).await).await;
    seed_fans(&app, &star.id, 4999).await;
    assert_eq!(profile(&app, &star.id).await["followers_count"], 5000);

    assert_error(
        act(&app, &bob, "follow", &star.id).await,
        403,
        "user has reached the follower limit",
    )
    .await;
    assert_eq!(edges(&app, &bob.id, &star.id).await, 0);
    // An existing follower re-following is still an idempotent no-op, not a refusal.
    assert_no_content(act(&app, &ann, "follow", &star.id).await).await;

    // A soft-deleted follower no longer counts (the account deletion removes its edges).
    assert_eq!(
        app.as_user(&ann, Method::DELETE, "/v1/account")
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(profile(&app, &star.id).await["followers_count"], 4999);
    assert_no_content(act(&app, &bob, "follow", &star.id).await).await;
    assert_eq!(profile(&app, &star.id).await["followers_count"], 5000);
}

#[tokio::test]
async fn concurrent_follows_never_exceed_the_follower_limit() {
    let app = TestApp::spawn().await;
    let star = app.user("star").await;
    let mut racers = Vec::new();
    for i in 0..6 {
        racers.push(app.user(&format!("racer{i}")).await);
    }
    seed_fans(&app, &star.id, 4998).await;
    // 4998 followers: room for exactly two of the six concurrent follows.
    let statuses: Vec<u16> = join_all(
        racers
            .iter()
            .map(|r| async { act(&app, r, "follow", &star.id).await.status().as_u16() }),
    )
    .await;
    let mut sorted = statuses.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [204, 204, 403, 403, 403, 403], "{statuses:?}");
    assert_eq!(
        app.db
            .scalar(&format!(
                "SELECT count(*) FROM follows WHERE followee_id = '{}'",
                star.id
            ))
            .await,
        5000
    );
    assert_eq!(follower_notifications(&app, &star.id).await, 2);
}

#[tokio::test]
async fn counts_equal_rows_under_concurrent_follows_and_unfollows_of_one_pair() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let app = &app;
    for round in 0..3 {
        let requests = (0..24).map(|i| {
            let (who, target) = if i % 3 == 0 {
                (&bob, &ann.id)
            } else {
                (&ann, &bob.id)
            };
            let verb = if (i + round) % 2 == 0 {
                "follow"
            } else {
                "unfollow"
            };
            async move { act(app, who, verb, target).await.status().as_u16() }
        });
        let statuses = join_all(requests).await;
        assert!(statuses.iter().all(|s| *s == 204), "{statuses:?}");
        for (user, other) in [(&ann, &bob), (&bob, &ann)] {
            let p = profile(app, &user.id).await;
            assert_eq!(
                p["followers_count"].as_i64().unwrap(),
                edges(app, &other.id, &user.id).await,
                "round {round}: followers of {}",
                user.handle
            );
            assert_eq!(
                p["following_count"].as_i64().unwrap(),
                edges(app, &user.id, &other.id).await,
                "round {round}: following of {}",
                user.handle
            );
        }
        // Every newly created edge, and only those, told the followee and paid its points.
        for user in [&ann, &bob] {
            let told = follower_notifications(app, &user.id).await;
            let gained = app
                .db
                .scalar(&format!(
                    "SELECT followers_count FROM user_trust_scores WHERE user_id = '{}'",
                    user.id
                ))
                .await;
            assert_eq!(told, gained, "round {round}: {}", user.handle);
            assert_eq!(trust_points(app, &user.id).await, 3 * gained);
        }
    }
}

#[tokio::test]
async fn a_follow_whose_notification_fails_leaves_no_edge_and_no_points() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    app.db
        .run_sql(
            "CREATE FUNCTION refuse_notification() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'notifications are down'; END $$; \
             CREATE TRIGGER refuse_notification BEFORE INSERT ON notifications \
             FOR EACH ROW EXECUTE FUNCTION refuse_notification();",
        )
        .await;
    let res = act(&app, &ann, "follow", &bob.id).await;
    assert_error(res, 500, "internal server error").await;
    assert_eq!(
        edges(&app, &ann.id, &bob.id).await,
        0,
        "the edge rolled back"
    );
    assert_eq!(
        trust_points(&app, &bob.id).await,
        0,
        "the points rolled back"
    );
    assert_eq!(
        app.db
            .scalar(&format!(
                "SELECT followers_count FROM user_trust_scores WHERE user_id = '{}'",
                bob.id
            ))
            .await,
        0
    );

    app.db
        .run_sql("DROP TRIGGER refuse_notification ON notifications")
        .await;
    assert_no_content(act(&app, &ann, "follow", &bob.id).await).await;
    assert_eq!(edges(&app, &ann.id, &bob.id).await, 1);
    assert_eq!(follower_notifications(&app, &bob.id).await, 1);
    assert_eq!(trust_points(&app, &bob.id).await, 3);
}

/// Every page of `path` (limit `limit`) until `next_cursor` is null, calling `between` after
/// each page; returns the items in order.
async fn all_pages<F, Fut>(
    app: &TestApp,
    user: &TestUser,
    path: &str,
    limit: usize,
    mut between: F,
) -> Vec<Value>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut req = app
            .as_user(user, Method::GET, path)
            .query(&[("limit", limit.to_string())]);
        if let Some(c) = &cursor {
            req = req.query(&[("cursor", c)]);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 200);
        let page = json(res).await;
        let got = page["items"].as_array().unwrap();
        assert!(got.len() <= limit);
        items.extend(got.iter().cloned());
        between().await;
        match page["next_cursor"].as_str() {
            Some(c) => {
                assert_eq!(got.len(), limit, "a non-final page is full");
                cursor = Some(c.to_owned());
            }
            None => return items,
        }
    }
}

#[tokio::test]
async fn follower_and_following_pages_return_every_edge_once_in_order() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let late = app.user("late").await;
    let fans = seed_users(&app, "fan", 9).await;
    // Nine followers over three timestamps (ties broken by follower id DESC), one of them
    // soft-deleted (left out), one with an avatar.
    let mut values = Vec::new();
    for (i, fan) in fans.iter().enumerate() {
        let ts = format!("2024-01-0{}T12:00:00.123456Z", 1 + i / 3);
        values.push(format!("('{fan}', '{}', '{ts}')", ann.id));
        values.push(format!("('{}', '{fan}', '{ts}')", ann.id));
    }
    app.db
        .run_sql(&format!(
            "INSERT INTO follows (follower_id, followee_id, created_at) VALUES {}; \
             UPDATE users SET deleted_at = now() WHERE id = '{}'; \
             UPDATE users SET avatar_key = 'avatars/fan1.jpg', bio = 'hi' WHERE id = '{}';",
            values.join(", "),
            fans[4],
            fans[1]
        ))
        .await;
    let mut expected: Vec<(String, String)> = fans
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 4)
        .map(|(i, id)| {
            (
                format!("2024-01-0{}T12:00:00.123456Z", 1 + i / 3),
                id.clone(),
            )
        })
        .collect();
    expected.sort_by(|a, b| b.cmp(a));

    for list in ["followers", "following"] {
        let path = format!("/v1/users/{}/{list}", ann.id);
        // New follows keep arriving between pages; they are newer than every cursor, so the
        // walk neither repeats nor skips anything it started with.
        let app_ref = &app;
        let ann_id = ann.id.as_str();
        let items = all_pages(&app, &late, &path, 2, || async move {
            let tag = Uuid::new_v4().simple().to_string();
            let fresh = seed_users(app_ref, &format!("new{}_", &tag[..8]), 1).await;
            app_ref
                .db
                .run_sql(&if list == "followers" {
                    format!(
                        "INSERT INTO follows (follower_id, followee_id) VALUES ('{}', '{ann_id}')",
                        fresh[0]
                    )
                } else {
                    format!(
                        "INSERT INTO follows (follower_id, followee_id) VALUES ('{ann_id}', '{}')",
                        fresh[0]
                    )
                })
                .await;
        })
        .await;
        let got: Vec<(String, String)> = items
            .iter()
            .map(|it| {
                (
                    it["followed_at"].as_str().unwrap().to_owned(),
                    it["user"]["id"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        // The walk's first page was fetched before any new edge: it holds exactly the seeded
        // edges, newest first, ties by id DESC.
        assert_eq!(got, expected, "{list}");
        let with_avatar = items
            .iter()
            .find(|it| it["user"]["id"] == fans[1].as_str())
            .unwrap();
        let user = &with_avatar["user"];
        assert!(
            user["avatar_url"]
                .as_str()
                .is_some_and(|u| u.contains("avatars/fan1.jpg")),
            "{user}"
        );
        assert_eq!(user["bio"], "hi");
        assert_eq!(user["handle"], "fan1");
        assert_eq!(user["display_name"], "fan 1");
        for key in ["followers_count", "following_count", "posts_count"] {
            assert_eq!(user[key], 0, "{key} may be 0 in lists");
        }
        assert!(user.get("email").is_none());
        let keys: Vec<&String> = with_avatar.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 2, "{with_avatar}");
        let others = items
            .iter()
            .filter(|it| it["user"]["avatar_url"].is_null())
            .count();
        assert_eq!(others, 7);
    }
    // The last page was fetched after new edges were added (those come first now).
    let first = json(
        app.as_user(
            &late,
            Method::GET,
            &format!("/v1/users/{}/followers?limit=1", ann.id),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert!(
        first["items"][0]["user"]["handle"]
            .as_str()
            .unwrap()
            .starts_with("new")
    );
    assert!(first["next_cursor"].is_string());

    // An unknown user has empty lists; a last page has a null cursor.
    let res = app
        .as_user(
            &late,
            Method::GET,
            &format!("/v1/users/{}/followers", Uuid::new_v4()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(json(res).await, json!({"items": [], "next_cursor": null}));
}

#[tokio::test]
async fn list_pages_reject_bad_limits_and_cursors() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    for list in ["followers", "following"] {
        for (query, message) in [
            ("limit=0", "limit must be between 1 and 200"),
            ("limit=201", "limit must be between 1 and 200"),
            ("limit=abc", "limit must be between 1 and 200"),
            ("cursor=nope", "invalid cursor"),
            ("cursor=2024-01-15T12:00:00Z", "invalid cursor"),
            ("cursor=2024-01-15T12:00:00Z%2Fnot-a-uuid", "invalid cursor"),
        ] {
            let res = app
                .as_user(
                    &ann,
                    Method::GET,
                    &format!("/v1/users/{}/{list}?{query}", ann.id),
                )
                .send()
                .await
                .unwrap();
            assert_error(res, 400, message).await;
        }
    }
}

/// The app's Redis, in its own key namespace.
fn app_cache(app: &TestApp) -> RedisCache {
    RedisCache::connect_lazy(&app.env["REDIS_URL"], app.env["REDIS_KEY_PREFIX"].clone())
        .expect("redis")
}

/// Caches a home page and two stories pages (two of the cached page sizes) for `user`;
/// returns their keys.
async fn cache_feeds(cache: &RedisCache, user: &str) -> [String; 3] {
    let keys = [
        format!("feed:home:{user}"),
        format!("feed:stories:{user}:30"),
        format!("feed:stories:{user}:10"),
    ];
    for key in &keys {
        cache
            .set(key, b"cached page", Duration::from_secs(60))
            .await
            .unwrap();
    }
    keys
}

async fn cached(cache: &RedisCache, keys: &[String]) -> Vec<bool> {
    let mut out = Vec::new();
    for key in keys {
        out.push(cache.get(key).await.unwrap().is_some());
    }
    out
}

#[tokio::test]
async fn graph_changes_drop_the_viewers_feed_pages_and_a_block_both_users() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let cache = app_cache(&app);

    for verb in ["follow", "unfollow", "unblock"] {
        let ann_keys = cache_feeds(&cache, &ann.id).await;
        let bob_keys = cache_feeds(&cache, &bob.id).await;
        let res = act(&app, &ann, verb, &bob.id).await;
        assert!(res.status().is_success(), "{verb}");
        assert_eq!(
            cached(&cache, &ann_keys).await,
            [false; 3],
            "{verb}: viewer's pages"
        );
        assert_eq!(
            cached(&cache, &bob_keys).await,
            [true; 3],
            "{verb}: target untouched"
        );
    }
    // Keys are dropped by name: another user's keys that merely start with the id stay.
    let neighbour = format!("feed:stories:{}0:30", ann.id);
    cache
        .set(&neighbour, b"x", Duration::from_secs(60))
        .await
        .unwrap();

    let ann_keys = cache_feeds(&cache, &ann.id).await;
    let bob_keys = cache_feeds(&cache, &bob.id).await;
    assert_eq!(act(&app, &ann, "block", &bob.id).await.status(), 200);
    assert_eq!(cached(&cache, &ann_keys).await, [false; 3]);
    assert_eq!(
        cached(&cache, &bob_keys).await,
        [false; 3],
        "the blocked user's too"
    );
    assert!(cache.get(&neighbour).await.unwrap().is_some());
}

#[tokio::test]
async fn graph_changes_succeed_while_redis_is_down() {
    let app = TestApp::builder()
        .env("REDIS_URL", "redis://127.0.0.1:1/")
        .spawn()
        .await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    assert_no_content(act(&app, &ann, "follow", &bob.id).await).await;
    assert_eq!(edges(&app, &ann.id, &bob.id).await, 1);
    assert_no_content(act(&app, &ann, "unfollow", &bob.id).await).await;
    assert_eq!(
        json(act(&app, &ann, "block", &bob.id).await).await,
        json!({"blocked": true})
    );
    assert_eq!(
        json(act(&app, &ann, "unblock", &bob.id).await).await,
        json!({"unblocked": true})
    );
    assert_eq!(
        relationship(&app, &ann, &bob.id).await,
        rel(false, false, false, false)
    );
}
