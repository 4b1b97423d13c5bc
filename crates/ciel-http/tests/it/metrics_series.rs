//! Every series of DESIGN §5 on `/metrics` after real traffic: requests, a 429, a feed miss
//! and hit, a media job through the real queue, a cleanup run — with sensible values and
//! labels from closed sets only.

use crate::media::{complete, images, poll_until, upload};
use ciel_testkit::TestApp;
use reqwest::Method;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// One parsed sample: name, labels, value.
struct Sample {
    name: String,
    labels: Vec<(String, String)>,
    value: f64,
}

fn parse(text: &str) -> Vec<Sample> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').expect("sample line");
            let (name, labels) = match series.split_once('{') {
                Some((name, rest)) => {
                    let body = rest.strip_suffix('}').expect("closing brace");
                    let labels = body
                        .split("\",")
                        .filter(|p| !p.is_empty())
                        .map(|pair| {
                            let (k, v) = pair.split_once("=\"").expect("label");
                            (k.to_owned(), v.trim_end_matches('"').to_owned())
                        })
                        .collect();
                    (name.to_owned(), labels)
                }
                None => (series.to_owned(), Vec::new()),
            };
            Sample {
                name,
                labels,
                value: value.parse().unwrap_or_else(|_| panic!("value of {line}")),
            }
        })
        .collect()
}

struct Scrape(Vec<Sample>, String);

impl Scrape {
    /// The value of `name` with exactly these labels (panics when absent).
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.0
            .iter()
            .find(|s| {
                s.name == name
                    && s.labels.len() == labels.len()
                    && labels
                        .iter()
                        .all(|(k, v)| s.labels.iter().any(|(lk, lv)| lk == k && lv == v))
            })
            .unwrap_or_else(|| panic!("no {name}{labels:?} in:\n{}", self.1))
            .value
    }

    /// Asserts `name{label="v"}` equals `want` for each `(v, want)` (each must be present).
    fn assert_by(&self, name: &str, label: &str, expected: &[(&str, f64)]) {
        for (v, want) in expected {
            assert_eq!(
                self.value(name, &[(label, v)]),
                *want,
                "{name}{{{label}=\"{v}\"}}"
            );
        }
    }

    /// Every value label `label` takes on series `name`.
    fn label_values(&self, name: &str, label: &str) -> BTreeSet<String> {
        self.0
            .iter()
            .filter(|s| s.name == name)
            .filter_map(|s| s.labels.iter().find(|(k, _)| k == label))
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Asserts every value label `label` takes on series `name` is one of `allowed`.
    fn assert_closed(&self, name: &str, label: &str, allowed: &[&str]) {
        for v in self.label_values(name, label) {
            assert!(
                allowed.contains(&v.as_str()),
                "{name} {label}: {v:?} is outside {allowed:?}"
            );
        }
    }
}

async fn scrape(app: &TestApp) -> Scrape {
    let text = app.metrics_text().await;
    Scrape(parse(&text), text)
}

#[tokio::test]
async fn every_design_series_is_present_with_sensible_values() {
    let app = TestApp::builder()
        .media()
        .images(images())
        .cleanup()
        .env("RATE_LIMIT_ENABLED", "true")
        .env("METRICS_ADDR", "127.0.0.1:0")
        .spawn()
        .await;
    let ann = app.user("metann").await;

    // A feed miss, then a hit.
    for _ in 0..2 {
        let res = app
            .as_user(&ann, Method::GET, "/v1/feed")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    // A media job through the real queue and pipeline.
    let id = upload(&app, &ann, ciel_testkit::images::png(40, 30), "image/png").await;
    assert_eq!(complete(&app, &ann, &id).await.status(), 202);
    poll_until(&app, &ann, &id, "completed").await;
    // A 429: `/health` allows 60 a minute per IP.
    let mut refused = 0;
    for _ in 0..70 {
        if app.get("/health").await.status() == 429 {
            refused += 1;
        }
    }
    assert!(refused >= 1, "no 429 from 70 health checks");

    // The cleanup loop ran once at start, and the job's counters settle after the ack.
    let deadline = Instant::now() + Duration::from_secs(30);
    let m = loop {
        let m = scrape(&app).await;
        // The last step of a run (the counters below expect the whole run).
        let ran = m.value("cleanup_runs_total", &[("job", "feed_heads")]) >= 1.0;
        let counted = m.value("media_jobs_total", &[("outcome", "completed")]) >= 1.0;
        if ran && counted {
            break m;
        }
        assert!(
            Instant::now() < deadline,
            "cleanup or job never counted:\n{}",
            m.1
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };

    // Requests by method, route and status; latency with the same labels.
    let feed = [("method", "GET"), ("path", "/v1/feed"), ("status", "200")];
    assert_eq!(m.value("http_requests_total", &feed), 2.0);
    assert_eq!(m.value("http_request_duration_seconds_count", &feed), 2.0);
    assert!(m.value("http_request_duration_seconds_sum", &feed) > 0.0);
    let health_429 = [("method", "GET"), ("path", "/health"), ("status", "429")];
    assert_eq!(
        m.value("http_requests_total", &health_429),
        f64::from(refused)
    );
    // 429s by class and action; no fallback while Redis answers.
    assert_eq!(
        m.value(
            "ratelimit_rejections_total",
            &[("class", "ip"), ("action", "health")]
        ),
        f64::from(refused)
    );
    assert_eq!(m.value("ratelimit_fallback_total", &[]), 0.0);
    // The feed cache: one miss, one hit, no error.
    m.assert_by(
        "feed_cache_requests_total",
        "result",
        &[("miss", 1.0), ("hit", 1.0), ("error", 0.0)],
    );
    // The media job: completed once, timed; nothing failed or dead-lettered.
    m.assert_by(
        "media_jobs_total",
        "outcome",
        &[
            ("completed", 1.0),
            ("failed_permanent", 0.0),
            ("dead_lettered", 0.0),
        ],
    );
    m.assert_by(
        "media_job_duration_seconds_count",
        "outcome",
        &[("completed", 1.0)],
    );
    for queue in ["work", "retry", "dead_letter"] {
        let depth = m.value("queue_depth", &[("queue", queue)]);
        assert!(
            (0.0..1000.0).contains(&depth),
            "queue_depth {queue} = {depth}"
        );
    }
    let outbox = m.value("job_outbox_depth", &[]);
    assert!((0.0..=1.0).contains(&outbox), "job_outbox_depth = {outbox}");
    // The pool: configured size, live connections within it, every checkout timed.
    assert_eq!(m.value("db_pool_max", &[]), 8.0);
    let idle = m.value("db_pool_connections", &[("state", "idle")]);
    let in_use = m.value("db_pool_connections", &[("state", "in_use")]);
    assert!(
        idle + in_use >= 1.0 && idle + in_use <= 8.0,
        "{idle} + {in_use}"
    );
    assert!(m.value("db_pool_wait_seconds_count", &[]) >= 5.0);
    assert_eq!(m.value("db_pool_timeouts_total", &[]), 0.0);
    assert_eq!(
        m.value("db_pool_timeout_seconds", &[("setting", "connect")]),
        5.0
    );
    // Notifications are durable: never dropped. Cleanup: every job ran, none failed.
    assert_eq!(m.value("notifications_dropped_total", &[]), 0.0);
    let jobs = [
        "stories",
        "invites",
        "account_ages",
        "stale_uploads",
        "feed_heads",
        "home_timelines",
    ];
    m.assert_by("cleanup_runs_total", "job", &jobs.map(|job| (job, 1.0)));
    m.assert_by("cleanup_failures_total", "job", &jobs.map(|job| (job, 0.0)));

    // Every label comes from a closed set.
    m.assert_closed(
        "http_requests_total",
        "method",
        &[
            "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "other",
        ],
    );
    for path in m.label_values("http_requests_total", "path") {
        assert!(
            path == "unmatched" || (path.starts_with('/') && !path.contains(&ann.id)),
            "path label {path:?} is not a route pattern"
        );
    }
    for status in m.label_values("http_requests_total", "status") {
        assert!(
            status.len() == 3 && status.parse::<u16>().is_ok(),
            "{status}"
        );
    }
    m.assert_closed("ratelimit_rejections_total", "class", &["ip", "user"]);
    m.assert_closed(
        "media_jobs_total",
        "outcome",
        &["completed", "failed_permanent", "retried", "dead_lettered"],
    );
    m.assert_closed("queue_depth", "queue", &["work", "retry", "dead_letter"]);
    m.assert_closed(
        "feed_cache_requests_total",
        "result",
        &["hit", "miss", "error"],
    );
    m.assert_closed("db_pool_connections", "state", &["idle", "in_use"]);
    m.assert_closed("cleanup_runs_total", "job", &jobs);

    // The private listener serves the same registry without a token.
    let addr = app.metrics_addr.expect("metrics listener");
    let open = app
        .client
        .get(format!("http://{addr}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        open.contains("media_jobs_total{outcome=\"completed\"} 1"),
        "{open}"
    );
}

#[tokio::test]
async fn limiter_fallback_decisions_are_counted_while_redis_is_down() {
    let app = TestApp::builder()
        .env("REDIS_URL", "redis://127.0.0.1:1/")
        .env("RATE_LIMIT_ENABLED", "true")
        .spawn()
        .await;
    for _ in 0..3 {
        assert_eq!(app.get("/health").await.status(), 200);
    }
    let m = scrape(&app).await;
    assert!(m.value("ratelimit_fallback_total", &[]) >= 3.0, "{}", m.1);
}

#[tokio::test]
async fn the_serverless_worker_counts_its_jobs_by_outcome() {
    use ciel_domain::ports::ObjectStore;
    let lambda = ciel_testkit::lambda::TestLambda::spawn(Some(images())).await;
    let owner = uuid::Uuid::new_v4();
    let insert = |upload: uuid::Uuid, key: &str, bytes: usize| {
        format!(
            "INSERT INTO media_uploads (id, owner_id, original_key, content_type, bytes, status, uploaded_at) \
             VALUES ('{upload}', '{owner}', '{key}', 'image/png', {bytes}, 'uploaded', now());"
        )
    };
    lambda
        .db
        .run_sql(&format!(
            "INSERT INTO users (id, handle, email, display_name) \
             VALUES ('{owner}', 'lam{}', '{owner}@example.com', 'L');",
            &owner.simple().to_string()[..10]
        ))
        .await;
    let post = |upload: uuid::Uuid, key: String| {
        let client = lambda.client.clone();
        let url = format!("{}/", lambda.base_url);
        async move {
            let body =
                serde_json::json!({"upload_id": upload, "owner_id": owner, "original_key": key});
            client
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let photo = ciel_testkit::images::png(20, 10);
    let good = uuid::Uuid::new_v4();
    let good_key = format!("uploads/{owner}/{good}.png");
    lambda
        .db
        .run_sql(&insert(good, &good_key, photo.len()))
        .await;
    assert_eq!(
        post(good, good_key.clone()).await,
        500,
        "original missing: transient"
    );
    lambda
        .store
        .put(&good_key, photo, "image/png", "no-cache")
        .await
        .unwrap();
    assert_eq!(post(good, good_key.clone()).await, 200);
    let bad = uuid::Uuid::new_v4();
    let bad_key = format!("uploads/{owner}/{bad}.png");
    lambda.db.run_sql(&insert(bad, &bad_key, 5)).await;
    lambda
        .store
        .put(&bad_key, b"junk!".to_vec(), "image/png", "no-cache")
        .await
        .unwrap();
    assert_eq!(post(bad, bad_key).await, 200, "corrupt: consumed");

    let text = lambda.metrics.render().to_string();
    let m = Scrape(parse(&text), text);
    m.assert_by(
        "media_jobs_total",
        "outcome",
        &[
            ("retried", 1.0),
            ("completed", 1.0),
            ("failed_permanent", 1.0),
            ("dead_lettered", 0.0),
        ],
    );
    m.assert_by(
        "media_job_duration_seconds_count",
        "outcome",
        &[("completed", 1.0)],
    );
    assert_eq!(m.value("db_pool_max", &[]), 8.0);
}
