//! `/v1/auth/*`: login, refresh rotation and reuse detection, revoke, me; bearer token rules.

use crate::{assert_error, json};
use ciel_app::tokens::TokenService;
use ciel_testkit::{TEST_PASSWORD, TestApp, TestUser};
use reqwest::Method;
use serde_json::json;
use std::time::Duration;

async fn me(app: &TestApp, authorization: Option<&str>) -> reqwest::Response {
    let mut req = app.client.get(app.url("/v1/auth/me"));
    if let Some(a) = authorization {
        req = req.header("authorization", a);
    }
    req.send().await.unwrap()
}

async fn refresh(app: &TestApp, token: &str) -> reqwest::Response {
    app.post_json("/v1/auth/refresh", &json!({"refresh_token": token}))
        .await
}

fn key(app: &TestApp, var: &str) -> [u8; 32] {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&app.env[var])
        .unwrap();
    bytes.try_into().unwrap()
}

fn app_tokens(app: &TestApp) -> TokenService {
    TokenService::new(
        &key(app, "PASETO_ACCESS_KEY"),
        &key(app, "PASETO_REFRESH_KEY"),
        Duration::from_secs(900),
        Duration::from_secs(86_400),
    )
}

#[tokio::test]
async fn login_by_email_or_handle_returns_a_token_pair() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    for id in [ann.email.as_str(), "ann"] {
        let pair = app.login(id, TEST_PASSWORD).await;
        let keys: std::collections::BTreeSet<&str> = pair
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "access_expires_at",
                "access_token",
                "refresh_expires_at",
                "refresh_token"
            ]
            .into()
        );
        assert!(
            pair["access_token"]
                .as_str()
                .unwrap()
                .starts_with("v4.local.")
        );
        let access =
            chrono::DateTime::parse_from_rfc3339(pair["access_expires_at"].as_str().unwrap())
                .unwrap();
        let refresh =
            chrono::DateTime::parse_from_rfc3339(pair["refresh_expires_at"].as_str().unwrap())
                .unwrap();
        let minutes = (access - chrono::Utc::now().fixed_offset()).num_minutes();
        assert!((14..=15).contains(&minutes), "{minutes}");
        assert_eq!((refresh - access).num_days(), 29);
    }
    let res = me(&app, Some(&ann.bearer())).await;
    assert_eq!(res.status(), 200);
    assert_eq!(json(res).await["id"], ann.id);
}

#[tokio::test]
async fn login_failures_look_the_same() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let login = |email: &str, password: &str| {
        app.post_json_owned(
            "/v1/auth/login",
            json!({"email": email, "password": password}),
        )
    };
    assert_error(
        login(&ann.email, "Wrong1234").await,
        401,
        "invalid credentials",
    )
    .await;
    assert_error(
        login("nobody@example.com", TEST_PASSWORD).await,
        401,
        "invalid credentials",
    )
    .await;
    assert_error(
        login(" ", TEST_PASSWORD).await,
        400,
        "email and password are required",
    )
    .await;
    assert_error(
        login(&ann.email, "  ").await,
        400,
        "email and password are required",
    )
    .await;
    assert_error(
        login(&ann.email, &"A1a".repeat(43)).await,
        400,
        "password must be at most 128 characters",
    )
    .await;
    let res = app
        .post_json("/v1/auth/login", &json!({"email": ann.email}))
        .await;
    assert_eq!(res.status(), 422, "missing field");
}

#[tokio::test]
async fn refresh_rotates_and_a_replay_ends_every_session() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let other_session = app.login(&ann.email, TEST_PASSWORD).await;

    let res = refresh(&app, &ann.refresh_token).await;
    assert_eq!(res.status(), 200);
    let rotated = json(res).await;
    assert_ne!(rotated["refresh_token"], ann.refresh_token);
    assert_eq!(
        me(
            &app,
            Some(&format!(
                "Bearer {}",
                rotated["access_token"].as_str().unwrap()
            ))
        )
        .await
        .status(),
        200
    );

    // Replaying the old token is reuse: it fails and revokes every session of the user.
    assert_error(
        refresh(&app, &ann.refresh_token).await,
        401,
        "invalid refresh token",
    )
    .await;
    assert_error(
        refresh(&app, rotated["refresh_token"].as_str().unwrap()).await,
        401,
        "invalid refresh token",
    )
    .await;
    assert_error(
        refresh(&app, other_session["refresh_token"].as_str().unwrap()).await,
        401,
        "invalid refresh token",
    )
    .await;
    // Login still works and starts a fresh session.
    let fresh = app.login(&ann.email, TEST_PASSWORD).await;
    assert_eq!(
        refresh(&app, fresh["refresh_token"].as_str().unwrap())
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn revoke_is_always_204_and_stops_the_token() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    for token in [
        ann.refresh_token.as_str(),
        ann.refresh_token.as_str(),
        "not-a-token",
    ] {
        let res = app
            .post_json("/v1/auth/revoke", &json!({"refresh_token": token}))
            .await;
        assert_eq!(res.status(), 204);
        assert_eq!(res.text().await.unwrap(), "");
    }
    assert_error(
        refresh(&app, &ann.refresh_token).await,
        401,
        "invalid refresh token",
    )
    .await;
    assert_error(
        app.post_json("/v1/auth/revoke", &json!({"refresh_token": " "}))
            .await,
        400,
        "refresh_token is required",
    )
    .await;
    assert_error(refresh(&app, "").await, 400, "refresh_token is required").await;
}

#[tokio::test]
async fn bearer_header_problems_have_their_messages() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    assert_error(me(&app, None).await, 401, "missing Authorization header").await;
    assert_error(
        me(&app, Some(&format!("bearer {}", ann.access_token))).await,
        401,
        "invalid Authorization header",
    )
    .await;
    assert_error(
        me(&app, Some(&format!("Token {}", ann.access_token))).await,
        401,
        "invalid Authorization header",
    )
    .await;
    assert_error(
        me(&app, Some("Bearer v4.local.garbage")).await,
        401,
        "invalid or expired token",
    )
    .await;
}

#[tokio::test]
async fn wrong_type_wrong_key_tampered_and_expired_tokens_are_401() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    // A refresh token is not an access token (and was made with the other key).
    assert_error(
        me(&app, Some(&format!("Bearer {}", ann.refresh_token))).await,
        401,
        "invalid or expired token",
    )
    .await;
    // An access token is not a refresh token.
    assert_error(
        refresh(&app, &ann.access_token).await,
        401,
        "invalid refresh token",
    )
    .await;

    let tokens = app_tokens(&app);
    let user = ann.id.parse().unwrap();
    let expired = tokens
        .issue_access(user, chrono::Utc::now() - chrono::Duration::minutes(16))
        .unwrap();
    assert_error(
        me(&app, Some(&format!("Bearer {}", expired.token))).await,
        401,
        "invalid or expired token",
    )
    .await;
    // Our keys, right claims: accepted (tokens minted elsewhere with the shared keys work).
    let minted = tokens.issue_access(user, chrono::Utc::now()).unwrap();
    assert_eq!(
        me(&app, Some(&format!("Bearer {}", minted.token)))
            .await
            .status(),
        200
    );
    // Someone else's key.
    let foreign = TokenService::new(
        &[1; 32],
        &[2; 32],
        Duration::from_secs(900),
        Duration::from_secs(900),
    );
    let forged = foreign.issue_access(user, chrono::Utc::now()).unwrap();
    assert_error(
        me(&app, Some(&format!("Bearer {}", forged.token))).await,
        401,
        "invalid or expired token",
    )
    .await;
    // Tampered.
    let mut t = ann.access_token.clone().into_bytes();
    let i = t.len() / 2;
    t[i] = if t[i] == b'a' { b'b' } else { b'a' };
    let tampered = String::from_utf8(t).unwrap();
    assert_error(
        me(&app, Some(&format!("Bearer {tampered}"))).await,
        401,
        "invalid or expired token",
    )
    .await;
}

async fn ban(app: &TestApp, user: &TestUser) {
    app.db
        .run_sql(&format!(
            "UPDATE user_trust_scores SET banned_until = now() + interval '7 days' WHERE user_id = '{}'",
            user.id
        ))
        .await;
}

#[tokio::test]
async fn banned_users_get_403_at_login_and_refresh_and_401_with_their_tokens() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    ban(&app, &ann).await;
    let suspended = "Your account has been temporarily suspended";
    let res = app
        .post_json(
            "/v1/auth/login",
            &json!({"email": ann.email, "password": TEST_PASSWORD}),
        )
        .await;
    assert_error(res, 403, suspended).await;
    // The ban is only revealed after the password verifies.
    let res = app
        .post_json(
            "/v1/auth/login",
            &json!({"email": ann.email, "password": "Wrong1234"}),
        )
        .await;
    assert_error(res, 401, "invalid credentials").await;
    assert_error(refresh(&app, &ann.refresh_token).await, 403, suspended).await;
    assert_error(
        me(&app, Some(&ann.bearer())).await,
        401,
        "invalid or expired token",
    )
    .await;
}

#[tokio::test]
async fn deleted_users_lose_every_session_at_once() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let res = app
        .as_user(&ann, Method::DELETE, "/v1/account")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_error(
        me(&app, Some(&ann.bearer())).await,
        401,
        "invalid or expired token",
    )
    .await;
    assert_error(
        refresh(&app, &ann.refresh_token).await,
        401,
        "invalid refresh token",
    )
    .await;
    let res = app
        .post_json(
            "/v1/auth/login",
            &json!({"email": ann.email, "password": TEST_PASSWORD}),
        )
        .await;
    assert_error(res, 401, "invalid credentials").await;
    assert_error(
        app.get(&format!("/v1/users/{}", ann.id)).await,
        404,
        "user not found",
    )
    .await;
    // A second delete cannot even authenticate.
    let res = app
        .as_user(&ann, Method::DELETE, "/v1/account")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn a_login_flood_beyond_the_hashing_queue_gets_503_with_retry_after() {
    let app = TestApp::builder()
        .env("PASSWORD_HASH_CONCURRENCY", "1")
        .env("PASSWORD_HASH_QUEUE", "0")
        .spawn()
        .await;
    let ann = app.user("ann").await;
    let attempts = (0..8).map(|_| {
        app.post_json_owned(
            "/v1/auth/login",
            json!({"email": ann.email, "password": TEST_PASSWORD}),
        )
    });
    let responses = futures_util::future::join_all(attempts).await;
    let mut ok = 0;
    let mut busy = 0;
    for res in responses {
        match res.status().as_u16() {
            200 => ok += 1,
            503 => {
                assert!(res.headers().contains_key("retry-after"));
                let body = json(res).await;
                assert_eq!(body["error"], "server busy, please retry");
                busy += 1;
            }
            other => panic!("unexpected status {other}"),
        }
    }
    assert!(ok >= 1, "the permit holder gets through");
    assert!(
        busy >= 1,
        "the rest are turned away, not queued without bound"
    );
}
