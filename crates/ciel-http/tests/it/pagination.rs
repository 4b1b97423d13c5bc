//! Contract §1.5 across the social lists: every list refuses a bad `limit` or `cursor` with the
//! contract's 400, and the lists not paged elsewhere (likes, story reactions, both searches)
//! return every item exactly once, in order, while new items are written between pages.

use crate::posts::{encode, new_post};
use crate::stories::{befriend, id, story};
use crate::{assert_error, json};
use ciel_testkit::{TestApp, TestUser};
use reqwest::Method;
use serde_json::{Value, json};

async fn get(app: &TestApp, user: &TestUser, path: &str) -> reqwest::Response {
    app.as_user(user, Method::GET, path).send().await.unwrap()
}

/// Follows `next_cursor` from `path` (which carries `limit`) to the end, calling `between`
/// after each page; returns every item's `key` in order.
async fn walk<F, Fut>(
    app: &TestApp,
    user: &TestUser,
    path: &str,
    key: &str,
    mut between: F,
) -> Vec<String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..50 {
        let url = match &cursor {
            Some(c) => format!("{path}&cursor={}", encode(c)),
            None => path.to_owned(),
        };
        let res = get(app, user, &url).await;
        assert_eq!(res.status(), 200, "{url}");
        let page = json(res).await;
        for item in page["items"].as_array().expect("items") {
            seen.push(item[key].as_str().expect(key).to_owned());
        }
        between().await;
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return seen,
        }
    }
    panic!("pagination of {path} did not end");
}

/// Every item's `key` of one page of `path` at the largest limit.
async fn everything(app: &TestApp, user: &TestUser, path: &str, key: &str) -> Vec<String> {
    let page = json(get(app, user, &format!("{path}&limit=200")).await).await;
    assert_eq!(page["next_cursor"], Value::Null, "{path} fits one page");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i[key].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn every_social_list_refuses_bad_limits_and_cursors() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    befriend(&app, &ann, &bob).await;
    let post = new_post(&app, &ann, "ann at sea").await;
    let p = post["id"].as_str().unwrap().to_owned();
    let s = id(&story(&app, &ann, "Public").await);
    let a = ann.id.clone();
    let lists = [
        "/v1/feed?".to_owned(),
        "/v1/feed/stories?".to_owned(),
        "/v1/notifications?".to_owned(),
        format!("/v1/users/{a}/followers?"),
        format!("/v1/users/{a}/following?"),
        format!("/v1/users/{a}/posts?"),
        format!("/v1/users/{a}/stories?"),
        format!("/v1/users/{a}/highlights?"),
        format!("/v1/posts/{p}/likes?"),
        format!("/v1/posts/{p}/comments?"),
        format!("/v1/stories/{s}/viewers?"),
        format!("/v1/stories/{s}/reactions?"),
        "/v1/search/users?q=ann&".to_owned(),
        "/v1/search/posts?q=ann&".to_owned(),
    ];
    for list in &lists {
        for bad in ["limit=0", "limit=201", "limit=-1", "limit=abc", "limit="] {
            let res = get(&app, &ann, &format!("{list}{bad}")).await;
            assert_error(res, 400, "limit must be between 1 and 200").await;
        }
        for bad in [
            "cursor=garbage",
            "cursor=2024-01-01T00%3A00%3A00Z",
            "cursor=2024-01-01T00%3A00%3A00Z%2Fnot-a-uuid",
            "cursor=yesterday%2F00000000-0000-4000-8000-000000000001",
        ] {
            let res = get(&app, &ann, &format!("{list}{bad}")).await;
            assert_error(res, 400, "invalid cursor").await;
        }
        // The limits at the bounds and a well-formed cursor are accepted.
        for good in [
            "limit=1",
            "limit=200",
            "cursor=2000-01-01T00%3A00%3A00Z%2F00000000-0000-4000-8000-000000000001",
        ] {
            let res = get(&app, &ann, &format!("{list}{good}")).await;
            assert_eq!(res.status(), 200, "{list}{good}");
            assert!(json(res).await["items"].is_array());
        }
    }
}

#[tokio::test]
async fn likes_page_exactly_once_newest_first_while_new_likes_arrive() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let post = new_post(&app, &ann, "likeable").await;
    let p = post["id"].as_str().unwrap().to_owned();
    let mut fans = Vec::new();
    for i in 0..9 {
        fans.push(app.user(&format!("fan{i}")).await);
    }
    let like = |u: &TestUser| {
        app.as_user(u, Method::POST, &format!("/v1/posts/{p}/like"))
            .send()
    };
    for fan in &fans[..5] {
        assert_eq!(like(fan).await.unwrap().status(), 200);
    }
    let path = format!("/v1/posts/{p}/likes?");
    let before = everything(&app, &ann, &path, "user_id").await;
    let expected: Vec<String> = fans[..5].iter().rev().map(|f| f.id.clone()).collect();
    assert_eq!(before, expected, "newest first");

    let late = std::cell::Cell::new(5);
    let paged = walk(&app, &ann, &format!("{path}limit=2"), "user_id", || {
        let n = late.get();
        late.set(n + 1);
        let fan = fans.get(n);
        async move {
            if let Some(fan) = fan {
                assert_eq!(like(fan).await.unwrap().status(), 200);
            }
        }
    })
    .await;
    assert_eq!(paged, before, "each like once while newer ones arrive");
    assert!(late.get() > 6, "likes were written between pages");
}

#[tokio::test]
async fn reactions_page_exactly_once_newest_first_while_new_reactions_arrive() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let s = id(&story(&app, &ann, "Public").await);
    let mut fans = Vec::new();
    for i in 0..9 {
        fans.push(app.user(&format!("fan{i}")).await);
    }
    let react = |u: &TestUser| {
        app.as_user(u, Method::POST, &format!("/v1/stories/{s}/reactions"))
            .json(&json!({"emoji": "🔥"}))
            .send()
    };
    for fan in &fans[..5] {
        assert_eq!(react(fan).await.unwrap().status(), 200);
    }
    let path = format!("/v1/stories/{s}/reactions?");
    let before = everything(&app, &ann, &path, "user_id").await;
    let expected: Vec<String> = fans[..5].iter().rev().map(|f| f.id.clone()).collect();
    assert_eq!(before, expected, "newest first");

    let late = std::cell::Cell::new(5);
    let paged = walk(&app, &ann, &format!("{path}limit=2"), "user_id", || {
        let n = late.get();
        late.set(n + 1);
        let fan = fans.get(n);
        async move {
            if let Some(fan) = fan {
                assert_eq!(react(fan).await.unwrap().status(), 200);
            }
        }
    })
    .await;
    assert_eq!(paged, before, "each reaction once while newer ones arrive");
    assert!(late.get() > 6, "reactions were written between pages");
}

#[tokio::test]
async fn searches_page_exactly_once_while_new_matches_arrive() {
    let app = TestApp::spawn().await;
    let me = app.user("seeker").await;
    for i in 0..5 {
        let u = app.user(&format!("harbour{i}")).await;
        new_post(&app, &u, &format!("harbour view {i}")).await;
    }
    for (what, key) in [("users", "handle"), ("posts", "caption")] {
        let path = format!("/v1/search/{what}?q=harbour&");
        // The 5 originals, plus the later matches of the previous walk for the second one.
        let before = everything(&app, &me, &path, key).await;
        assert!(before.len() >= 5, "{what}: {before:?}");
        let late = std::cell::Cell::new(0);
        let paged = walk(&app, &me, &format!("{path}limit=2"), key, || {
            let n = late.get();
            late.set(n + 1);
            let app = &app;
            async move {
                let u = app.user(&format!("late{what}{n}harbour")).await;
                new_post(app, &u, &format!("late harbour {what} {n}")).await;
            }
        })
        .await;
        assert_eq!(
            paged, before,
            "{what}: each match once while newer ones arrive"
        );
        assert!(
            late.get() >= 3,
            "{what}: matches were written between pages"
        );
    }
}
