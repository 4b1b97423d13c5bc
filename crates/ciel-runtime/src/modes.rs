//! One entry point per binary: checks that the binary serves the configured `APP_MODE`, then
//! runs that mode until SIGINT/SIGTERM and shuts down gracefully.

use crate::cleanup::CleanupLoop;
use crate::config::{AppMode, Config};
use crate::media::MediaBackground;
use crate::metrics::{PoolCollector, ProcessMetrics};
use crate::shutdown::signal_received;
use crate::wiring::{self, WiringError};

/// Which binary is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binary {
    /// `ciel-api`: modes `api` and `combined`.
    Api,
    /// `ciel-worker`: mode `worker`.
    Worker,
    /// `ciel-lambda`: mode `serverless-worker`.
    Lambda,
}

impl Binary {
    /// The binary's file name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Api => "ciel-api",
            Self::Worker => "ciel-worker",
            Self::Lambda => "ciel-lambda",
        }
    }

    /// Whether this binary serves `mode`.
    pub fn serves(self, mode: AppMode) -> bool {
        matches!(
            (self, mode),
            (Self::Api, AppMode::Api | AppMode::Combined)
                | (Self::Worker, AppMode::Worker)
                | (Self::Lambda, AppMode::ServerlessWorker)
        )
    }
}

/// Why a process mode stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// `APP_MODE` names a mode another binary serves.
    #[error(
        "{binary} does not serve APP_MODE={mode}; run {right} instead (or set APP_MODE to a mode {binary} serves)"
    )]
    WrongBinary {
        /// This binary.
        binary: &'static str,
        /// The configured mode.
        mode: AppMode,
        /// The binary that serves it.
        right: &'static str,
    },
    /// Wiring failed.
    #[error(transparent)]
    Wiring(#[from] WiringError),
}

/// Runs `binary` in the configured mode until a shutdown signal.
pub async fn run(binary: Binary, config: Config) -> Result<(), RunError> {
    if !binary.serves(config.mode) {
        return Err(RunError::WrongBinary {
            binary: binary.name(),
            mode: config.mode,
            right: config.mode.binary(),
        });
    }
    if config.has_all_zero_paseto_key() {
        tracing::warn!("a PASETO key is all zeros: tokens can be forged; set real random keys");
    }
    match config.mode {
        AppMode::Api | AppMode::Combined => run_api(&config).await,
        AppMode::Worker => run_worker(&config).await,
        AppMode::ServerlessWorker => run_lambda(&config).await,
    }
}

async fn run_api(config: &Config) -> Result<(), RunError> {
    let parts = wiring::build_api(config).await?;
    // `combined` also consumes media jobs; `api` only relays its outbox to the broker.
    let jobs = (config.mode == AppMode::Combined)
        .then_some(parts.media_jobs)
        .flatten();
    let media = match (parts.media, parts.in_process_media) {
        (Some(m), _) => Some(MediaBackground::start(m, &config.media_worker, jobs)),
        (None, Some(m)) => Some(m.start(&config.media_worker, jobs)),
        (None, None) => None,
    };
    let local_objects = parts
        .local_objects
        .map(|store| (store, wiring::local_upload_limit(config)));
    let server = wiring::serve_api_with(
        parts.state,
        config.http_addr,
        config.metrics_addr,
        local_objects,
        Some(parts.pool.clone()),
    )?;
    let cleanup = CleanupLoop::start(parts.pool.clone(), parts.process_metrics.clone());
    tracing::info!(
        mode = %config.mode,
        addr = %server.addr,
        metrics_addr = ?server.metrics_addr,
        "ciel-api listening"
    );
    signal_received().await;
    server.stop().await;
    if let Some(media) = media {
        media.stop().await;
    }
    cleanup.stop().await;
    tracing::info!("ciel-api stopped");
    Ok(())
}

async fn run_worker(config: &Config) -> Result<(), RunError> {
    // The media consumers (prefetch 1 each, `MEDIA_WORKER_CONCURRENCY` of them), the outbox
    // relay, and the scheduled cleanup (one executor per run across every instance).
    let pool = wiring::connect_database(&config.database, 0).await?;
    let registry = prometheus::Registry::new();
    let adapter = |e: prometheus::Error| WiringError::Adapter(format!("metrics: {e}"));
    let metrics = ProcessMetrics::register(&registry).map_err(adapter)?;
    registry
        .register(Box::new(PoolCollector::new(pool.clone()).map_err(adapter)?))
        .map_err(adapter)?;
    // The listener's own requests are counted like any HTTP request.
    let http_metrics = ciel_http::HttpMetrics::register(registry.clone())
        .map_err(|e| WiringError::Adapter(e.to_string()))?;
    let uow: std::sync::Arc<dyn ciel_domain::ports::UnitOfWork> =
        std::sync::Arc::new(ciel_storage::PgUnitOfWork::new(pool.clone()));
    let store = wiring::object_store(config)?;
    let jobs = wiring::media_jobs(config, uow.clone(), store, crate::media::image_processor());
    let media = wiring::media_parts(config, uow, ciel_app::RelayWake::new(), &registry)?
        .map(|m| MediaBackground::start(m, &config.media_worker, jobs));
    let cleanup = CleanupLoop::start(pool, metrics);
    let metrics_server = config
        .metrics_addr
        .map(|addr| wiring::serve_metrics(http_metrics, addr))
        .transpose()?;
    tracing::info!(
        metrics_addr = ?metrics_server.as_ref().and_then(|s| s.metrics_addr),
        "ciel-worker started: media consumers, outbox relay, cleanup loop"
    );
    signal_received().await;
    if let Some(server) = metrics_server {
        server.stop().await;
    }
    if let Some(media) = media {
        media.stop().await;
    }
    cleanup.stop().await;
    tracing::info!("ciel-worker stopped");
    Ok(())
}

async fn run_lambda(config: &Config) -> Result<(), RunError> {
    let parts = wiring::build_lambda(config).await?;
    let metrics_server = config
        .metrics_addr
        .map(|addr| wiring::serve_metrics(parts.state.metrics.clone(), addr))
        .transpose()?;
    let server = wiring::serve_lambda(parts.state, config.http_addr)?;
    tracing::info!(
        addr = %server.addr,
        metrics_addr = ?metrics_server.as_ref().and_then(|s| s.metrics_addr),
        "ciel-lambda listening"
    );
    signal_received().await;
    server.stop().await;
    if let Some(server) = metrics_server {
        server.stop().await;
    }
    tracing::info!("ciel-lambda stopped");
    Ok(())
}
