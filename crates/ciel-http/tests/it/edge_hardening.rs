//! The edge as an attacker meets it: limits follow what routing matched (every spelling that
//! reaches a handler counts, spellings that reach none cost nothing), the client IP comes from
//! every `X-Forwarded-For` line, IPv6 is limited per /64, forwarded hosts never switch HTTPS
//! enforcement off, metric labels come from closed sets, and wrong admin tokens are limited.

use crate::assert_error;
use ciel_testkit::TestApp;
use reqwest::Method;
use serde_json::json;

const IP_LIMITED: &str = "Too many attempts from your IP address. Please try again later.";

async fn limited_app(extra: &[(&str, &str)]) -> TestApp {
    let mut builder = TestApp::builder().env("RATE_LIMIT_ENABLED", "true");
    for (k, v) in extra {
        builder = builder.env(k, v);
    }
    builder.spawn().await
}

async fn login_at(app: &TestApp, path: &str) -> reqwest::Response {
    app.post_json(
        path,
        &json!({"email": "nobody@example.com", "password": "Wrong1234"}),
    )
    .await
}

async fn scrape(app: &TestApp) -> String {
    app.metrics_text().await
}

#[tokio::test]
async fn every_spelling_of_login_that_reaches_the_handler_counts_and_others_cost_nothing() {
    let app = limited_app(&[]).await;
    // Spellings the router does not match reach no handler: 404, and not counted.
    for path in [
        "/v1/auth/login/",
        "/v1/auth/login%2F",
        "/v1/auth//login",
        "/v1/auth/logins",
        "/V1/auth/login",
    ] {
        for _ in 0..4 {
            assert_eq!(login_at(&app, path).await.status(), 404, "{path}");
        }
    }
    // Spellings the router matches are the login route: ten in all, whatever the spelling.
    let spellings = [
        "/v1/auth/login",
        "/v1/auth/%6Cogin",
        "/v1/auth/%6c%6f%67%69%6e",
        "/v1/%61uth/login",
        "/v1/auth/login?x=1",
    ];
    for i in 0..10 {
        let path = spellings[i % spellings.len()];
        assert_eq!(login_at(&app, path).await.status(), 401, "{path} #{i}");
    }
    for path in spellings {
        assert_error(login_at(&app, path).await, 429, IP_LIMITED).await;
    }
}

#[tokio::test]
async fn every_spelling_of_a_user_limited_route_counts() {
    let app = limited_app(&[("RATE_LIMIT_OVERRIDES", "moderation:hour:new=4")]).await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let spellings = [
        format!("/v1/moderation/users/{}/flag", bob.id),
        format!("/v1/%6Doderation/users/{}/flag", bob.id),
        format!("/v1/moderation/%75sers/{}/%66lag", bob.id),
    ];
    // A spelling that reaches no handler is not counted.
    for _ in 0..6 {
        let res = app
            .as_user(&ann, Method::POST, &format!("{}/", spellings[0]))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
    }
    for (i, path) in spellings.iter().chain(&spellings[..1]).enumerate() {
        let res = app.as_user(&ann, Method::POST, path).send().await.unwrap();
        assert_eq!(res.status(), if i == 0 { 200 } else { 409 }, "{path}");
        assert_eq!(res.headers()["x-ratelimit-limit"], "4");
    }
    for path in &spellings {
        let res = app.as_user(&ann, Method::POST, path).send().await.unwrap();
        assert_error(
            res,
            429,
            "Rate limit exceeded for action: moderation. Please try again later.",
        )
        .await;
    }
}

#[tokio::test]
async fn probes_are_limited_per_ip_in_every_spelling() {
    let app = limited_app(&[("RATE_LIMIT_OVERRIDES", "health:minute=6")]).await;
    let spellings = ["/health", "/h%65alth", "/ready", "/%72eady"];
    for i in 0..6 {
        let res = app.get(spellings[i % spellings.len()]).await;
        assert!(
            res.status() == 200 || res.status() == 503,
            "#{i}: {}",
            res.status()
        );
    }
    for path in spellings {
        assert_error(app.get(path).await, 429, IP_LIMITED).await;
    }
    assert_eq!(app.get("/health/").await.status(), 404, "no handler: free");
}

#[tokio::test]
async fn sign_up_spellings_share_the_daily_ip_limit() {
    let app = limited_app(&[("IP_SIGNUP_RATE_LIMIT", "2")]).await;
    let body = |handle: &str, code: &str| {
        json!({
            "handle": handle, "email": format!("{handle}@example.com"),
            "display_name": handle, "password": "Sup3rSecret", "invite_code": code,
        })
    };
    let code = app.admin_invite().await;
    assert_eq!(
        app.post_json("/v1/user%73", &body("ann", &code))
            .await
            .status(),
        200
    );
    let code = app.admin_invite().await;
    assert_eq!(
        app.post_json("/v1/users", &body("bob", &code))
            .await
            .status(),
        200
    );
    let code = app.admin_invite().await;
    let res = app.post_json("/v1/%75sers", &body("cat", &code)).await;
    assert_error(res, 429, IP_LIMITED).await;
}

#[tokio::test]
async fn every_forwarded_for_line_is_read() {
    let app = limited_app(&[("TRUSTED_PROXY_CIDRS", "127.0.0.1/32")]).await;
    // The client writes its own line with a new address each time; the proxy adds a line.
    let login = |i: u32| {
        app.client
            .post(app.url("/v1/auth/login"))
            .header("x-forwarded-for", format!("198.51.100.{i}"))
            .header("x-forwarded-for", "203.0.113.7")
            .json(&json!({"email": "x@example.com", "password": "Wrong1234"}))
            .send()
    };
    for i in 0..10 {
        assert_eq!(login(i).await.unwrap().status(), 401);
    }
    assert_error(login(10).await.unwrap(), 429, IP_LIMITED).await;
}

#[tokio::test]
async fn ipv6_clients_are_limited_per_64_by_default() {
    let app = limited_app(&[("TRUSTED_PROXY_CIDRS", "127.0.0.1/32")]).await;
    let login = |ip: String| {
        app.client
            .post(app.url("/v1/auth/login"))
            .header("x-forwarded-for", ip)
            .json(&json!({"email": "x@example.com", "password": "Wrong1234"}))
            .send()
    };
    for i in 0..10 {
        let res = login(format!("2001:db8:7:7:{i:x}::1")).await.unwrap();
        assert_eq!(res.status(), 401);
    }
    let res = login("2001:db8:7:7:ffff:ffff:ffff:ffff".into())
        .await
        .unwrap();
    assert_error(res, 429, IP_LIMITED).await;
    let other = login("2001:db8:7:8::1".into()).await.unwrap();
    assert_eq!(other.status(), 401, "the next /64 has its own budget");
}

#[tokio::test]
async fn the_ipv6_prefix_is_configurable() {
    let app = limited_app(&[
        ("TRUSTED_PROXY_CIDRS", "127.0.0.1/32"),
        ("RATE_LIMIT_IPV6_PREFIX", "128"),
    ])
    .await;
    for i in 0..12 {
        let res = app
            .client
            .post(app.url("/v1/auth/login"))
            .header("x-forwarded-for", format!("2001:db8::{i:x}"))
            .json(&json!({"email": "x@example.com", "password": "Wrong1234"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "each /128 is its own client");
    }
}

#[tokio::test]
async fn forwarded_hosts_never_switch_https_enforcement_or_hsts_off() {
    let app = TestApp::builder()
        .env("TRUSTED_PROXY_CIDRS", "127.0.0.1/32")
        .spawn()
        .await;
    for (name, value) in [
        ("x-forwarded-host", "localhost"),
        ("forwarded", "host=localhost;proto=https"),
    ] {
        let res = app
            .client
            .get(app.url("/v1/auth/me"))
            .header("host", "api.example.com")
            .header("x-forwarded-proto", "http")
            .header(name, value)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{name}");
        assert_eq!(res.text().await.unwrap(), "", "{name}: the empty 403");
    }
    let direct = TestApp::spawn().await;
    let res = direct
        .client
        .get(direct.url("/health"))
        .header("host", "api.example.com")
        .header("x-forwarded-host", "localhost")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains",
        "HSTS follows the connection's own Host"
    );
}

#[tokio::test]
async fn metric_labels_come_from_closed_sets() {
    let app = TestApp::spawn().await;
    for method in ["FOO1", "FOO2", "BREW"] {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let res = app
            .client
            .request(method, app.url("/health"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 405);
    }
    for path in ["/nope-1", "/nope-2", "/v1/auth/login/"] {
        assert_eq!(app.get(path).await.status(), 404);
    }
    assert_eq!(login_at(&app, "/v1/auth/%6Cogin").await.status(), 401);
    let text = scrape(&app).await;
    let series: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("http_requests_total{"))
        .collect();
    assert!(
        series.contains(&r#"http_requests_total{method="other",path="/health",status="405"} 3"#),
        "{series:#?}"
    );
    assert!(
        series.contains(&r#"http_requests_total{method="GET",path="unmatched",status="404"} 3"#),
        "{series:#?}"
    );
    assert!(
        series.contains(
            &r#"http_requests_total{method="POST",path="/v1/auth/login",status="401"} 1"#
        ),
        "{series:#?}"
    );
    assert!(
        !text.contains("FOO") && !text.contains("nope") && !text.contains("%6C"),
        "no client-chosen label value: {series:#?}"
    );
}

#[tokio::test]
async fn wrong_admin_tokens_are_limited_per_ip() {
    let app = limited_app(&[("TRUSTED_PROXY_CIDRS", "127.0.0.1/32")]).await;
    let token = app.admin_token.clone().unwrap();
    let attempt = |ip: &'static str, token: String| {
        app.client
            .post(app.url("/v1/admin/invites"))
            .header("x-forwarded-for", ip)
            .header("x-admin-token", token)
            .send()
    };
    // Right tokens do not count.
    for _ in 0..3 {
        assert_eq!(
            attempt("198.51.100.1", token.clone())
                .await
                .unwrap()
                .status(),
            200
        );
    }
    for i in 0..10 {
        let res = attempt("198.51.100.1", format!("guess-{i}")).await.unwrap();
        assert_error(res, 403, "invalid admin token").await;
    }
    // The address has used its failures: even the right token is refused now.
    let res = attempt("198.51.100.1", token.clone()).await.unwrap();
    assert_eq!(res.headers()["x-ratelimit-remaining"], "0");
    assert!(res.headers().contains_key("retry-after"));
    assert_error(res, 429, IP_LIMITED).await;
    let res = attempt("198.51.100.1", "guess".into()).await.unwrap();
    assert_error(res, 429, IP_LIMITED).await;
    // Another address is unaffected.
    assert_eq!(attempt("198.51.100.2", token).await.unwrap().status(), 200);
}

#[tokio::test]
async fn concurrent_wrong_admin_tokens_get_no_more_answers_than_the_limit() {
    let app = limited_app(&[("TRUSTED_PROXY_CIDRS", "127.0.0.1/32")]).await;
    // Found from outside with `curl -Z --parallel-max 100`: a hundred guesses sent at once all
    // passed the "any failures left?" look before any was counted, and 92 were answered 403.
    let attempts = (0..40).map(|i| {
        app.client
            .post(app.url("/v1/admin/invites"))
            .header("x-forwarded-for", "198.51.100.77")
            .header("x-admin-token", format!("guess-{i}"))
            .send()
    });
    let statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.expect("response").status().as_u16())
        .collect();
    let answered = statuses.iter().filter(|s| **s == 403).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((answered, refused), (10, 30), "{statuses:?}");
}

#[tokio::test]
async fn a_repeated_authorization_header_is_refused() {
    let app = limited_app(&[]).await;
    let user = app.user("twoauth").await;
    // Found from outside: `-H "Authorization: Bearer <good>" -H "Authorization: Bearer junk"`
    // was served as the first token's user, while a proxy reading the last line sees another.
    for pair in [
        [user.bearer(), "Bearer junk".to_owned()],
        ["Bearer junk".to_owned(), user.bearer()],
        [user.bearer(), user.bearer()],
    ] {
        let res = app
            .client
            .get(app.url("/v1/auth/me"))
            .header("authorization", &pair[0])
            .header("authorization", &pair[1])
            .send()
            .await
            .unwrap();
        assert_error(res, 401, "invalid Authorization header").await;
    }
    // One line is still served.
    let res = app
        .client
        .get(app.url("/v1/auth/me"))
        .header("authorization", user.bearer())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn an_unreadable_hop_is_not_skipped_to_the_clients_own_entries() {
    let app = limited_app(&[("TRUSTED_PROXY_CIDRS", "127.0.0.1/32")]).await;
    // A trusted proxy that cannot name the client writes a placeholder (Squid's `unknown`,
    // nginx's `unix:`); the entries left of it are the client's own and must not key it.
    let login = |xff: String| {
        app.client
            .post(app.url("/v1/auth/login"))
            .header("x-forwarded-for", xff)
            .json(&json!({"email": "nobody@example.com", "password": "Wrong1234"}))
            .send()
    };
    for i in 0..10 {
        let res = login(format!("203.0.113.{i}, unknown")).await.unwrap();
        assert_eq!(res.status(), 401, "attempt {i}");
    }
    for i in 10..13 {
        let res = login(format!("203.0.113.{i}, unknown")).await.unwrap();
        assert_error(res, 429, IP_LIMITED).await;
    }
}
