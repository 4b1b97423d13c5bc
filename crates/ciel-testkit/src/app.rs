//! `TestApp`: the real actix application, built by the same wiring as production, served over
//! real HTTP on a free port, against a per-test database and the real Redis.

use crate::db::TestDb;
use crate::env::{redis_url, unique_name};
use ciel_runtime::Config;
use ciel_runtime::wiring::{self, RunningApi};
use std::collections::HashMap;
use std::net::SocketAddr;

/// A random standard-base64 32-byte key.
fn random_key() -> String {
    use base64::Engine;
    let mut bytes = Vec::with_capacity(32);
    bytes.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    bytes.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The configuration a test instance runs with: its own database, the test Redis, random keys
/// and admin token, quiet logs. Object storage and the broker point at closed ports (the API does
/// not contact them yet).
pub fn app_env(db: &TestDb) -> HashMap<String, String> {
    [
        ("APP_MODE", "api".to_owned()),
        ("HTTP_ADDR", "127.0.0.1:0".to_owned()),
        ("DATABASE_URL", db.url().to_owned()),
        ("DB_MAX_CONNECTIONS", "8".to_owned()),
        ("REDIS_URL", redis_url()),
        ("S3_ENDPOINT", "http://127.0.0.1:9".to_owned()),
        ("S3_BUCKET", "ciel-test".to_owned()),
        ("AMQP_URL", "amqp://guest:guest@127.0.0.1:9/%2f".to_owned()),
        ("PASETO_ACCESS_KEY", random_key()),
        ("PASETO_REFRESH_KEY", random_key()),
        ("ADMIN_TOKEN", unique_name("admin")),
        ("RUST_LOG", "warn".to_owned()),
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
}

impl TestAppBuilder {
    /// Sets an environment variable of the app's configuration.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.overrides.insert(key.to_owned(), value.to_owned());
        self
    }

    /// Leaves a variable unset (e.g. `ADMIN_TOKEN`).
    pub fn without(mut self, key: &str) -> Self {
        self.removed.push(key.to_owned());
        self
    }

    /// Creates the database, builds the app through production wiring and serves it.
    pub async fn spawn(self) -> TestApp {
        let db = TestDb::migrated().await;
        let mut vars = app_env(&db);
        vars.extend(self.overrides);
        for key in &self.removed {
            vars.remove(key);
        }
        let config = Config::from_map(&vars).unwrap_or_else(|e| panic!("test config: {e}"));
        let parts = wiring::build_api(&config)
            .await
            .unwrap_or_else(|e| panic!("building the app: {e}"));
        let server = wiring::serve_api(parts.state, config.http_addr, config.metrics_addr)
            .unwrap_or_else(|e| panic!("serving the app: {e}"));
        TestApp {
            addr: server.addr,
            metrics_addr: server.metrics_addr,
            base_url: format!("http://{}", server.addr),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("http client"),
            admin_token: vars.get("ADMIN_TOKEN").cloned(),
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
    server: Option<RunningApi>,
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

    /// Stops the server gracefully.
    pub async fn stop(mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await;
        }
    }
}
