//! `TestApp`: the real actix application, built by the same wiring as production, served over
//! real HTTP on a free port, against a per-test database and the real Redis.

use crate::db::TestDb;
use crate::dedicated_rabbitmq::DedicatedRabbitMq;
use crate::env::{redis_url, service_var, unique_name};
use crate::proxy::TcpProxy;
use crate::services::ServiceKind;
use ciel_domain::ports::ImageProcessor;
use ciel_runtime::Config;
use ciel_runtime::config::AppMode;
use ciel_runtime::media::MediaBackground;
use ciel_runtime::wiring::{self, RunningApi};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

/// A random standard-base64 32-byte key.
fn random_key() -> String {
    use base64::Engine;
    let mut bytes = Vec::with_capacity(32);
    bytes.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    bytes.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The configuration a test instance runs with: its own database, the test Redis, random keys
/// and admin token, quiet logs, cheap password hashing slots. Object storage and the broker point
/// at closed ports: the API only signs URLs for the store and does not contact the broker yet.
pub fn app_env(db: &TestDb) -> HashMap<String, String> {
    [
        ("APP_MODE", "api".to_owned()),
        ("HTTP_ADDR", "127.0.0.1:0".to_owned()),
        ("DATABASE_URL", db.url().to_owned()),
        ("DB_MAX_CONNECTIONS", "8".to_owned()),
        ("REDIS_URL", redis_url()),
        ("S3_ENDPOINT", "http://127.0.0.1:9".to_owned()),
        ("S3_BUCKET", "ciel-test".to_owned()),
        ("S3_REGION", "us-east-1".to_owned()),
        ("S3_FORCE_PATH_STYLE", "true".to_owned()),
        // Explicit keys: the AWS provider chain must never go looking for credentials.
        ("AWS_ACCESS_KEY_ID", "ciel-test".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "ciel-test-secret".to_owned()),
        ("AMQP_URL", "amqp://guest:guest@127.0.0.1:9/%2f".to_owned()),
        ("PASETO_ACCESS_KEY", random_key()),
        ("PASETO_REFRESH_KEY", random_key()),
        (
            "ADMIN_TOKEN",
            format!("admin-{}", uuid::Uuid::new_v4().simple()),
        ),
        ("RUST_LOG", "warn".to_owned()),
        // Tests share one Redis: keys are unique per app. Rate limits are off unless a test
        // turns them on (most tests make more sign-ups and logins than one IP may).
        ("REDIS_KEY_PREFIX", format!("{}:", unique_name("app"))),
        ("RATE_LIMIT_ENABLED", "false".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// Builds a [`TestApp`] with configuration overrides.
#[derive(Default)]
pub struct TestAppBuilder {
    overrides: HashMap<String, String>,
    removed: Vec<String>,
    media: bool,
    broker_proxy: bool,
    dedicated_broker: bool,
    cleanup: bool,
    images: Option<Arc<dyn ImageProcessor>>,
    postgres_only: bool,
}

/// The `host:port` of an `amqp://user:pass@host:port/vhost` URL.
fn amqp_authority(url: &str) -> &str {
    let rest = url.split_once('@').map_or(url, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest)
}

impl TestAppBuilder {
    /// Sets an environment variable of the app's configuration.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.overrides.insert(key.to_owned(), value.to_owned());
        self
    }

    /// A second instance beside `app`: the same database, token keys, admin token, Redis and
    /// Redis key prefix (as two replicas behind one load balancer share them).
    pub fn beside(app: &TestApp) -> Self {
        let mut builder = Self::default();
        for key in [
            "DATABASE_URL",
            "PASETO_ACCESS_KEY",
            "PASETO_REFRESH_KEY",
            "ADMIN_TOKEN",
            "REDIS_URL",
            "REDIS_KEY_PREFIX",
        ] {
            if let Some(value) = app.env.get(key) {
                builder = builder.env(key, value);
            }
        }
        builder
    }

    /// Leaves a variable unset (e.g. `ADMIN_TOKEN`).
    pub fn without(mut self, key: &str) -> Self {
        self.removed.push(key.to_owned());
        self
    }

    /// Runs the media flow for real: the test S3 (s3s-fs, a fresh bucket) and the test
    /// RabbitMQ (a fresh queue), `APP_MODE=combined` so the app consumes its own jobs, short
    /// retry back-offs (50 ms, 3 attempts) and a 100 ms outbox poll.
    pub fn media(mut self) -> Self {
        self.media = true;
        self
    }

    /// Runs with Postgres alone, as `cargo xtask dev` does on a machine without Redis, RabbitMQ
    /// or S3: `combined`, `REDIS_URL=memory://`, `AMQP_URL=memory://` and a local-directory
    /// object store (`S3_ENDPOINT=file://` a fresh directory) whose signed URLs the app serves.
    pub fn postgres_only(mut self) -> Self {
        self.postgres_only = true;
        self
    }

    /// Reaches the broker through a [`TcpProxy`] the test can cut ([`TestApp::broker_proxy`]).
    pub fn broker_proxy(mut self) -> Self {
        self.broker_proxy = true;
        self
    }

    /// With [`TestAppBuilder::media`]: runs against a RabbitMQ node of the test's own
    /// ([`TestApp::broker`]) instead of the shared one, so the test can stop the broker for
    /// real and start it again.
    pub fn dedicated_broker(mut self) -> Self {
        self.dedicated_broker = true;
        self
    }

    /// Runs the scheduled cleanup loop as `api` mode does (one run at start, counted in
    /// `cleanup_runs_total`).
    pub fn cleanup(mut self) -> Self {
        self.cleanup = true;
        self
    }

    /// The image processor the app's media job runs (none: the build's default).
    pub fn images(mut self, images: Arc<dyn ImageProcessor>) -> Self {
        self.images = Some(images);
        self
    }

    /// Creates the database, builds the app through production wiring and serves it.
    pub async fn spawn(self) -> TestApp {
        let db = TestDb::migrated().await;
        let mut vars = app_env(&db);
        let mut broker_proxy = None;
        let mut broker = None;
        if self.media {
            let s3 = |name: &str| service_var(ServiceKind::S3, name);
            let bucket = unique_name("media").replace('_', "-");
            let mut amqp = if self.dedicated_broker {
                let node = DedicatedRabbitMq::start().await;
                let url = node.amqp_url().to_owned();
                broker = Some(node);
                url
            } else {
                service_var(ServiceKind::RabbitMq, "AMQP_URL")
            };
            if self.broker_proxy {
                let target = amqp_authority(&amqp).to_owned();
                let proxy = TcpProxy::start(target.parse().expect("broker address")).await;
                amqp = amqp.replace(&target, &proxy.addr().to_string());
                broker_proxy = Some(proxy);
            }
            for (k, v) in [
                ("APP_MODE", "combined".to_owned()),
                ("S3_ENDPOINT", s3("S3_ENDPOINT")),
                ("S3_REGION", s3("S3_REGION")),
                ("AWS_ACCESS_KEY_ID", s3("AWS_ACCESS_KEY_ID")),
                ("AWS_SECRET_ACCESS_KEY", s3("AWS_SECRET_ACCESS_KEY")),
                ("S3_BUCKET", bucket),
                ("AMQP_URL", amqp),
                ("AMQP_MEDIA_QUEUE", unique_name("media")),
                ("MEDIA_JOB_RETRY_BASE_MS", "50".to_owned()),
                ("MEDIA_JOB_MAX_ATTEMPTS", "3".to_owned()),
                ("OUTBOX_POLL_MS", "100".to_owned()),
            ] {
                vars.insert(k.to_owned(), v);
            }
        }
        if self.postgres_only {
            let dir = std::env::temp_dir().join(unique_name("ciel-objects"));
            for (k, v) in [
                ("APP_MODE", "combined".to_owned()),
                ("REDIS_URL", "memory://".to_owned()),
                ("AMQP_URL", "memory://".to_owned()),
                ("S3_ENDPOINT", format!("file://{}", dir.display())),
                ("OUTBOX_POLL_MS", "100".to_owned()),
            ] {
                vars.insert(k.to_owned(), v);
            }
        }
        vars.extend(self.overrides);
        for key in &self.removed {
            vars.remove(key);
        }
        let config = Config::from_map(&vars).unwrap_or_else(|e| panic!("test config: {e}"));
        if self.media {
            let s3 = &config.s3;
            let store = ciel_media::S3Store::new(ciel_media::S3Settings {
                endpoint: s3.endpoint.clone(),
                public_endpoint: None,
                region: s3.region.clone(),
                bucket: s3.bucket.clone(),
                path_style: true,
                access_key_id: s3.access_key_id.clone(),
                secret_access_key: vars.get("AWS_SECRET_ACCESS_KEY").cloned(),
            })
            .expect("test S3 store");
            store.ensure_bucket().await.expect("test bucket");
        }
        let parts = wiring::build_api_with(&config, self.images)
            .await
            .unwrap_or_else(|e| panic!("building the app: {e}"));
        let jobs = (config.mode == AppMode::Combined)
            .then_some(parts.media_jobs)
            .flatten();
        let media = match (parts.media, parts.in_process_media) {
            (Some(m), _) => Some(MediaBackground::start(m, &config.media_worker, jobs)),
            (None, Some(m)) => Some(m.start(&config.media_worker, jobs)),
            (None, None) => None,
        };
        let cleanup = self.cleanup.then(|| {
            ciel_runtime::cleanup::CleanupLoop::start(
                parts.pool.clone(),
                parts.process_metrics.clone(),
            )
        });
        let local_objects = parts
            .local_objects
            .map(|store| (store, wiring::local_upload_limit(&config)));
        let server = wiring::serve_api_with(
            parts.state,
            config.http_addr,
            config.metrics_addr,
            local_objects,
            Some(parts.pool.clone()),
        )
        .unwrap_or_else(|e| panic!("serving the app: {e}"));
        TestApp {
            media,
            cleanup,
            broker_proxy,
            broker,
            addr: server.addr,
            metrics_addr: server.metrics_addr,
            base_url: format!("http://{}", server.addr),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("http client"),
            admin_token: vars.get("ADMIN_TOKEN").cloned(),
            env: vars,
            server: Some(server),
            db,
        }
    }
}

/// A running app for one test.
pub struct TestApp {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Where the private metrics listener listens, when `METRICS_ADDR` was set.
    pub metrics_addr: Option<SocketAddr>,
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// An HTTP client (no redirects followed).
    pub client: reqwest::Client,
    /// The configured admin token, if any.
    pub admin_token: Option<String>,
    /// The configuration it runs with (e.g. to mint tokens with its keys in tests).
    pub env: HashMap<String, String>,
    server: Option<RunningApi>,
    media: Option<MediaBackground>,
    cleanup: Option<ciel_runtime::cleanup::CleanupLoop>,
    /// The cuttable path to the broker, with [`TestAppBuilder::broker_proxy`].
    pub broker_proxy: Option<TcpProxy>,
    /// The test's own RabbitMQ node, with [`TestAppBuilder::dedicated_broker`] (declared after
    /// the app's parts, so it is killed after they are dropped).
    pub broker: Option<DedicatedRabbitMq>,
    /// The test's database.
    pub db: TestDb,
}

impl TestApp {
    /// An app with the default test configuration.
    pub async fn spawn() -> Self {
        Self::builder().spawn().await
    }

    /// A builder for configuration overrides.
    pub fn builder() -> TestAppBuilder {
        TestAppBuilder::default()
    }

    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("GET request")
    }

    /// Stops the server and the media background work gracefully.
    pub async fn stop(mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await;
        }
        if let Some(media) = self.media.take() {
            media.stop().await;
        }
        if let Some(cleanup) = self.cleanup.take() {
            cleanup.stop().await;
        }
    }
}

/// A signed-up, logged-in user of a [`TestApp`].
#[derive(Clone, Debug)]
pub struct TestUser {
    /// The user's id.
    pub id: String,
    /// Handle.
    pub handle: String,
    /// Email.
    pub email: String,
    /// Password.
    pub password: String,
    /// A valid access token.
    pub access_token: String,
    /// A valid refresh token.
    pub refresh_token: String,
}

impl TestUser {
    /// `Authorization: Bearer …` value.
    pub fn bearer(&self) -> String {
        format!("Bearer {}", self.access_token)
    }
}

/// The password every helper-made user gets.
pub const TEST_PASSWORD: &str = "Sup3rSecret";

impl TestApp {
    /// `POST path` with a JSON body.
    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("POST request")
    }

    /// `POST path` with an owned JSON body (for futures that outlive the caller's borrow).
    pub async fn post_json_owned(&self, path: &str, body: serde_json::Value) -> reqwest::Response {
        self.post_json(path, &body).await
    }

    /// A fresh admin invite code.
    pub async fn admin_invite(&self) -> String {
        let res = self
            .client
            .post(self.url("/v1/admin/invites"))
            .header(
                "x-admin-token",
                self.admin_token.as_deref().expect("admin token"),
            )
            .send()
            .await
            .expect("admin invite");
        assert_eq!(res.status(), 200, "admin invite");
        let body: serde_json::Value = res.json().await.expect("invite JSON");
        body["code"].as_str().expect("code").to_owned()
    }

    /// Signs `handle` up with `invite` and returns the response.
    pub async fn sign_up_with(&self, handle: &str, invite: &str) -> reqwest::Response {
        self.post_json(
            "/v1/users",
            &serde_json::json!({
                "handle": handle,
                "email": format!("{handle}@example.com"),
                "display_name": format!("{handle} display"),
                "password": TEST_PASSWORD,
                "invite_code": invite,
            }),
        )
        .await
    }

    /// Logs in and returns the token pair JSON (panics unless 200).
    pub async fn login(&self, email: &str, password: &str) -> serde_json::Value {
        let res = self
            .post_json(
                "/v1/auth/login",
                &serde_json::json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(res.status(), 200, "login of {email}");
        res.json().await.expect("token pair")
    }

    /// Signs up `handle` with a fresh admin invite and logs in.
    pub async fn user(&self, handle: &str) -> TestUser {
        let invite = self.admin_invite().await;
        let res = self.sign_up_with(handle, &invite).await;
        assert_eq!(res.status(), 200, "sign-up of {handle}");
        let user: serde_json::Value = res.json().await.expect("user JSON");
        let email = format!("{handle}@example.com");
        let pair = self.login(&email, TEST_PASSWORD).await;
        TestUser {
            id: user["id"].as_str().expect("id").to_owned(),
            handle: handle.to_owned(),
            email,
            password: TEST_PASSWORD.to_owned(),
            access_token: pair["access_token"].as_str().expect("access").to_owned(),
            refresh_token: pair["refresh_token"].as_str().expect("refresh").to_owned(),
        }
    }

    /// A request builder with the user's bearer token.
    pub fn as_user(
        &self,
        user: &TestUser,
        method: reqwest::Method,
        path: &str,
    ) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(path))
            .header("authorization", user.bearer())
    }

    /// A request builder with the admin token.
    pub fn as_admin(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, self.url(path)).header(
            "x-admin-token",
            self.admin_token.as_deref().expect("admin token"),
        )
    }

    /// The Prometheus text of `GET /metrics` (fetched with the admin token).
    pub async fn metrics_text(&self) -> String {
        self.as_admin(reqwest::Method::GET, "/metrics")
            .send()
            .await
            .expect("GET /metrics")
            .text()
            .await
            .expect("the /metrics body")
    }
}
