//! A user's active stories (oldest first) and the stories feed of followed users (newest
//! first), its first-page cache in Redis with invalidation on story create and delete, and its
//! answer when Redis is down.

use super::{all_pages, befriend, expire, follow, get, id, story};
use crate::{assert_error, json};
use ciel_testkit::{TestApp, TestUser};
use reqwest::Method;
use serde_json::Value;

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn feed(app: &TestApp, user: &TestUser, query: &str) -> Value {
    let res = get(app, user, &format!("/v1/feed/stories{query}")).await;
    assert_eq!(res.status(), 200);
    let ct = res
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(ct.starts_with("application/json"), "{ct}");
    json(res).await
}

#[tokio::test]
async fn a_users_stories_are_active_visible_and_oldest_first() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let friend = app.user("friend").await;
    befriend(&app, &ann, &friend).await;
    let mut public = Vec::new();
    let mut all = Vec::new();
    for i in 0..6 {
        let vis = if i % 3 == 1 { "FriendsOnly" } else { "Public" };
        let s = id(&story(&app, &ann, vis).await);
        if vis == "Public" {
            public.push(s.clone());
        }
        all.push(s);
    }
    let gone = id(&story(&app, &ann, "Public").await);
    expire(&app, &gone).await;
    let path = format!("/v1/users/{}/stories", ann.id);
    let page = json(get(&app, &bob, &path).await).await;
    assert_eq!(
        ids(&page),
        public,
        "a stranger sees the public ones, oldest first"
    );
    assert!(page["items"][0]["media"]["id"].is_string());
    assert_eq!(ids(&json(get(&app, &friend, &path).await).await), all);
    assert_eq!(ids(&json(get(&app, &ann, &path).await).await), all);

    // Pages of 2, with new stories written between pages: every story exactly once, in order.
    let added = std::cell::RefCell::new(Vec::new());
    let paged = all_pages(&app, &friend, &format!("{path}?limit=2"), || {
        let (app, ann, added) = (&app, &ann, &added);
        let fresh = added.borrow().len() < 2;
        async move {
            if fresh {
                let s = id(&story(app, ann, "Public").await);
                added.borrow_mut().push(s);
            }
        }
    })
    .await;
    let mut expected = all.clone();
    expected.extend(added.into_inner());
    assert_eq!(paged, expected);
    assert_error(
        get(&app, &bob, &format!("{path}?limit=0")).await,
        400,
        "limit must be between 1 and 200",
    )
    .await;
    assert_error(
        get(&app, &bob, &format!("{path}?cursor=bad/cursor")).await,
        400,
        "invalid cursor",
    )
    .await;
    assert_error(app.get(&path).await, 401, "missing Authorization header").await;
    // Blocked either way: nothing.
    app.db
        .run_sql(&format!(
            "INSERT INTO blocks (blocker_id, blocked_id) VALUES ('{}', '{}')",
            bob.id, ann.id
        ))
        .await;
    assert_eq!(
        ids(&json(get(&app, &bob, &path).await).await),
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn the_stories_feed_holds_followed_users_visible_stories_newest_first() {
    let app = TestApp::spawn().await;
    let me = app.user("myself").await;
    let friend = app.user("friend").await;
    let idol = app.user("idol").await;
    let stranger = app.user("stranger").await;
    let blocker = app.user("blocker").await;
    befriend(&app, &me, &friend).await;
    follow(&app, &me, &idol).await;
    follow(&app, &me, &blocker).await;
    let mut expected = Vec::new();
    let _mine = story(&app, &me, "Public").await;
    expected.push(id(&story(&app, &friend, "FriendsOnly").await));
    expected.push(id(&story(&app, &idol, "Public").await));
    let _idol_friends = story(&app, &idol, "CloseFriendsOnly").await; // not mutual
    let _stranger = story(&app, &stranger, "Public").await; // not followed
    let old = id(&story(&app, &friend, "Public").await);
    expire(&app, &old).await;
    let _blocked = story(&app, &blocker, "Public").await;
    app.db
        .run_sql(&format!(
            "INSERT INTO blocks (blocker_id, blocked_id) VALUES ('{}', '{}')",
            blocker.id, me.id
        ))
        .await;
    expected.push(id(&story(&app, &friend, "Public").await));
    expected.reverse();
    // A cursor page is never cached: it reads the database.
    let page = feed(
        &app,
        &me,
        "?limit=200&cursor=2999-01-01T00:00:00Z%2F00000000-0000-0000-0000-000000000000",
    )
    .await;
    assert_eq!(ids(&page), expected);
    assert!(page["items"][0]["media"]["id"].is_string());

    // Pages of 1 while newer stories are written: each original story once, newest first.
    let mut n = 0;
    let paged = all_pages(&app, &me, "/v1/feed/stories?limit=1", || {
        n += 1;
        let (app, idol, write) = (&app, &idol, n <= 2);
        async move {
            if write {
                story(app, idol, "Public").await;
            }
        }
    })
    .await;
    assert_eq!(paged.len(), expected.len());
    assert_eq!(paged[0], expected[0]);
    assert_eq!(paged, expected);

    assert_error(
        get(&app, &me, "/v1/feed/stories?limit=201").await,
        400,
        "limit must be between 1 and 200",
    )
    .await;
    assert_error(
        get(
            &app,
            &me,
            "/v1/feed/stories?cursor=2024-01-01T00:00:00Z/nope",
        )
        .await,
        400,
        "invalid cursor",
    )
    .await;
    assert_error(
        app.get("/v1/feed/stories").await,
        401,
        "missing Authorization header",
    )
    .await;
    assert_eq!(
        app.as_user(&me, Method::POST, "/v1/feed/stories")
            .send()
            .await
            .unwrap()
            .status(),
        405
    );
}

#[tokio::test]
async fn the_first_page_is_cached_per_limit_and_dropped_when_a_followed_author_posts_or_deletes() {
    let app = TestApp::spawn().await;
    let me = app.user("myself").await;
    let idol = app.user("idol").await;
    follow(&app, &me, &idol).await;
    let first = id(&story(&app, &idol, "Public").await);
    assert_eq!(ids(&feed(&app, &me, "").await), vec![first.clone()]);
    assert_eq!(
        ids(&feed(&app, &me, "?limit=10").await),
        vec![first.clone()]
    );

    // A story written behind the API's back is not seen while the first pages are cached...
    let media = app.completed_media(&idol).await;
    let sneaky = uuid::Uuid::new_v4().to_string();
    app.db
        .run_sql(&format!(
            "INSERT INTO stories (id, user_id, media_id, expires_at) VALUES ('{sneaky}', '{}', '{media}', now() + interval '1 hour')",
            idol.id
        ))
        .await;
    assert_eq!(
        ids(&feed(&app, &me, "").await),
        vec![first.clone()],
        "served from the cache"
    );
    assert_eq!(
        ids(&feed(&app, &me, "?limit=10").await),
        vec![first.clone()],
        "served from the cache"
    );
    // ...while a page size that is never cached, and a cursor page, read the database.
    assert_eq!(
        ids(&feed(&app, &me, "?limit=5").await),
        vec![sneaky.clone(), first.clone()]
    );
    let deep = feed(
        &app,
        &me,
        "?cursor=2999-01-01T00:00:00Z%2F00000000-0000-0000-0000-000000000000",
    )
    .await;
    assert_eq!(ids(&deep).len(), 2);

    // A story created through the API drops every limit variant of every follower's feed.
    let second = id(&story(&app, &idol, "Public").await);
    let expected = vec![second.clone(), sneaky.clone(), first.clone()];
    assert_eq!(ids(&feed(&app, &me, "").await), expected);
    assert_eq!(ids(&feed(&app, &me, "?limit=10").await), expected);
    // Deleting one does too.
    assert_eq!(
        app.as_user(&idol, Method::DELETE, &format!("/v1/stories/{second}"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(
        ids(&feed(&app, &me, "").await),
        [sneaky.clone(), first.clone()]
    );
    assert_eq!(ids(&feed(&app, &me, "?limit=10").await), [sneaky, first]);
}

#[tokio::test]
async fn the_stories_feed_answers_from_postgres_when_redis_is_down() {
    let app = TestApp::builder()
        .env("REDIS_URL", "redis://127.0.0.1:9/")
        .spawn()
        .await;
    let me = app.user("myself").await;
    let idol = app.user("idol").await;
    follow(&app, &me, &idol).await;
    let first = id(&story(&app, &idol, "Public").await);
    assert_eq!(ids(&feed(&app, &me, "").await), vec![first.clone()]);
    let second = id(&story(&app, &idol, "Public").await);
    assert_eq!(
        ids(&feed(&app, &me, "").await),
        [second.clone(), first.clone()]
    );
    assert_eq!(ids(&feed(&app, &me, "?limit=1").await), [second]);
    assert_eq!(
        json(get(&app, &me, &format!("/v1/stories/{first}")).await).await["id"],
        first.as_str()
    );
}
