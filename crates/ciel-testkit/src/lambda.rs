//! `TestLambda`: the serverless worker's real application (`APP_MODE=serverless-worker`,
//! production wiring) over real HTTP, against a per-test database and the test S3.

use crate::app::app_env;
use crate::db::TestDb;
use crate::env::{service_var, unique_name};
use crate::services::ServiceKind;
use ciel_domain::ports::ImageProcessor;
use ciel_media::{S3Settings, S3Store};
use ciel_runtime::Config;
use ciel_runtime::wiring::{self, RunningApi};
use std::sync::Arc;

/// A running serverless worker for one test.
pub struct TestLambda {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// An HTTP client.
    pub client: reqwest::Client,
    /// Its bucket, for putting originals and reading derivatives.
    pub store: S3Store,
    /// The test's database.
    pub db: TestDb,
    /// Its metrics registry (what its `METRICS_ADDR` listener would serve).
    pub metrics: ciel_http::HttpMetrics,
    _server: RunningApi,
}

impl TestLambda {
    /// Starts one running `images` (none: the build's default).
    pub async fn spawn(images: Option<Arc<dyn ImageProcessor>>) -> Self {
        let db = TestDb::migrated().await;
        let mut vars = app_env(&db);
        let s3 = |name: &str| service_var(ServiceKind::S3, name);
        let bucket = unique_name("lambda").replace('_', "-");
        for (k, v) in [
            ("APP_MODE", "serverless-worker".to_owned()),
            ("S3_ENDPOINT", s3("S3_ENDPOINT")),
            ("S3_REGION", s3("S3_REGION")),
            ("AWS_ACCESS_KEY_ID", s3("AWS_ACCESS_KEY_ID")),
            ("AWS_SECRET_ACCESS_KEY", s3("AWS_SECRET_ACCESS_KEY")),
            ("S3_BUCKET", bucket.clone()),
        ] {
            vars.insert(k.to_owned(), v);
        }
        for k in ["AMQP_URL", "PASETO_ACCESS_KEY", "PASETO_REFRESH_KEY"] {
            vars.remove(k);
        }
        let store = S3Store::new(S3Settings {
            endpoint: s3("S3_ENDPOINT"),
            public_endpoint: None,
            region: s3("S3_REGION"),
            bucket,
            path_style: true,
            access_key_id: Some(s3("AWS_ACCESS_KEY_ID")),
            secret_access_key: Some(s3("AWS_SECRET_ACCESS_KEY")),
        })
        .expect("test S3 store");
        store.ensure_bucket().await.expect("test bucket");
        let config = Config::from_map(&vars).unwrap_or_else(|e| panic!("lambda config: {e}"));
        let parts = wiring::build_lambda_with(&config, images)
            .await
            .unwrap_or_else(|e| panic!("building the lambda: {e}"));
        let metrics = parts.state.metrics.clone();
        let server = wiring::serve_lambda(parts.state, config.http_addr)
            .unwrap_or_else(|e| panic!("serving the lambda: {e}"));
        Self {
            base_url: format!("http://{}", server.addr),
            client: reqwest::Client::new(),
            store,
            db,
            metrics,
            _server: server,
        }
    }
}
