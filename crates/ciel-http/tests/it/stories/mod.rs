//! `/v1/stories*`, `/v1/users/:id/stories|highlights` and `/v1/feed/stories` over real HTTP
//! against real Postgres and Redis (contract §2.11, §3.1–§3.3).

mod engagement;
mod feed;
mod highlights;
mod lifecycle;

use crate::json;
use ciel_testkit::{TestApp, TestUser};
use reqwest::Method;
use serde_json::{Value, json};

/// Creates a story of a fresh processed media of `user` through the API.
pub async fn story(app: &TestApp, user: &TestUser, visibility: &str) -> Value {
    let media = app.completed_media(user).await;
    let res = app
        .as_user(user, Method::POST, "/v1/stories")
        .json(&json!({"media_id": media, "caption": "hi", "visibility": visibility}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "story creation");
    json(res).await
}

/// The id of a story JSON.
pub fn id(story: &Value) -> String {
    story["id"].as_str().expect("story id").to_owned()
}

/// `a` follows `b` (an SQL fixture: the follow endpoint is another area's).
pub async fn follow(app: &TestApp, a: &TestUser, b: &TestUser) {
    app.db
        .run_sql(&format!(
            "INSERT INTO follows (follower_id, followee_id) VALUES ('{}', '{}')",
            a.id, b.id
        ))
        .await;
}

/// `a` and `b` follow each other.
pub async fn befriend(app: &TestApp, a: &TestUser, b: &TestUser) {
    follow(app, a, b).await;
    follow(app, b, a).await;
}

/// Moves a story's expiry into the past (as 25 h after creation would).
pub async fn expire(app: &TestApp, story: &str) {
    app.db
        .run_sql(&format!(
            "UPDATE stories SET expires_at = now() - interval '1 minute' WHERE id = '{story}'"
        ))
        .await;
}

/// Fails the test unless the SQL boolean `condition` holds in the app's database.
pub async fn assert_sql(app: &TestApp, condition: &str) {
    app.db
        .run_sql(&format!(
            "DO $$ BEGIN IF NOT ({condition}) THEN RAISE EXCEPTION 'condition failed'; END IF; END $$;"
        ))
        .await;
}

/// `GET path` as `user`.
pub async fn get(app: &TestApp, user: &TestUser, path: &str) -> reqwest::Response {
    app.as_user(user, Method::GET, path).send().await.unwrap()
}

/// `POST path` as `user` with no body.
pub async fn post(app: &TestApp, user: &TestUser, path: &str) -> reqwest::Response {
    app.as_user(user, Method::POST, path).send().await.unwrap()
}

/// Follows `next_cursor` from `path` (which has `?limit=…`) to the end, calling `between`
/// after each page, and returns every item id in order.
pub async fn all_pages<F, Fut>(
    app: &TestApp,
    user: &TestUser,
    path: &str,
    mut between: F,
) -> Vec<String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let url = match &cursor {
            Some(c) => format!("{path}&cursor={}", urlencode(c)),
            None => path.to_owned(),
        };
        let res = get(app, user, &url).await;
        assert_eq!(res.status(), 200, "{url}");
        let page = json(res).await;
        let items = page["items"].as_array().expect("items");
        ids.extend(items.iter().map(|i| {
            i["id"]
                .as_str()
                .or(i["viewer_id"].as_str())
                .expect("id")
                .to_owned()
        }));
        between().await;
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return ids,
        }
    }
    panic!("pagination did not end");
}

/// Percent-encodes a cursor for a query string.
pub fn urlencode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
