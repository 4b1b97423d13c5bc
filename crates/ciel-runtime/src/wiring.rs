//! The composition root: builds adapters from configuration and hands them to the use cases and
//! the HTTP layer. Nothing else in the workspace chooses an adapter.

use crate::config::{Config, DatabaseConfig, ObjectBackend};
use crate::media::{MediaMetrics, MediaParts};
use crate::media_local::InProcessMedia;
use crate::metrics::{FeedCacheCollector, PoolCollector, ProcessMetrics};
use actix_web::HttpServer;
use actix_web::dev::ServerHandle;
use ciel_app::feed::{CARD_TTL, PostCards};
use ciel_app::media::MediaJobSettings;
use ciel_app::password_pool::PasswordPool;
use ciel_app::tokens::TokenService;
use ciel_app::{
    AccountService, AuthService, AvatarUrls, CoreDeps, DeviceService, FeedService, HealthService,
    InviteService, MediaJobService, MediaService, MediaSettings, MediaUrls, ModerationService,
    NotificationService, PostService, RateLimitService, RelayWake, SearchService, SocialService,
    StoryService, SystemClock, UserGate,
};
use ciel_cache::{MemoryCache, MemoryCardStore, RedisCache};
use ciel_domain::ports::{Cache, Clock, ImageProcessor, ObjectStore, RateLimiter, UnitOfWork};
use ciel_http::{
    HttpMetrics, HttpSettings, HttpState, build_app, build_lambda_app, build_metrics_app,
    build_registry_app,
};
use ciel_media::{LocalDirStore, S3Settings, S3Store};
use ciel_queue::{RabbitConfig, RabbitQueue};
use ciel_ratelimit::{FallbackLimiter, MemoryLimiter, RedisLimiter};
use ciel_storage::repos::{
    PgAccountRepo, PgAvatarMediaRepo, PgDeviceRepo, PgInviteRepo, PgModerationRepo,
    PgRefreshTokenRepo, PgTrustRepo,
};
use ciel_storage::{PgPool, PgProbe, PgUnitOfWork, PoolSettings, connect_pool};
use prometheus::Registry;
use secrecy::ExposeSecret;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// Attempts to reach the database at start, and the pause between them (contract §5).
const DB_START_ATTEMPTS: u32 = 10;
const DB_START_PAUSE: Duration = Duration::from_secs(2);
/// How long in-flight requests get at shutdown.
const HTTP_SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Wiring failed; the message says which dependency and what to check.
#[derive(Debug, thiserror::Error)]
pub enum WiringError {
    /// The database stayed unreachable.
    #[error(
        "database unreachable after {attempts} attempts ({cause}); check DATABASE_URL and that Postgres is running"
    )]
    Database {
        /// Attempts made.
        attempts: u32,
        /// The last error.
        cause: String,
    },
    /// Migrations failed.
    #[error("migrations failed: {0}")]
    Migrations(String),
    /// An adapter could not be configured.
    #[error("{0}")]
    Adapter(String),
    /// A listen socket could not be bound.
    #[error(
        "cannot listen on {addr}: {cause}; is another process using it? (set HTTP_ADDR / METRICS_ADDR)"
    )]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        cause: String,
    },
}

/// Pool settings from the `DB_*` variables, for a process whose `thread_pools` threads (the
/// API's workers) take a share of the connections as pools of their own.
pub fn pool_settings(db: &DatabaseConfig, thread_pools: u32) -> PoolSettings {
    PoolSettings {
        thread_pools,
        max_connections: db.max_connections,
        connect_timeout: db.connect_timeout,
        idle_timeout: db.idle_timeout,
        max_lifetime: db.max_lifetime,
        statement_timeout: db.statement_timeout,
    }
}

/// How many workers (threads, each with its own single-threaded runtime) serve the API: one per
/// available CPU, actix's own default, stated here because each also gets a share of the
/// database connections.
pub fn api_workers() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// Builds the pool and waits until Postgres answers (up to 10 attempts, 2 s apart); runs
/// pending migrations first when `MIGRATE_ON_START=true`. `thread_pools`: how many threads
/// may adopt a pool of their own (the API's workers; 0 elsewhere).
pub async fn connect_database(
    db: &DatabaseConfig,
    thread_pools: u32,
) -> Result<PgPool, WiringError> {
    let url = db.url.expose_secret();
    let pool = connect_pool(url, &pool_settings(db, thread_pools))
        .map_err(|e| WiringError::Adapter(e.to_string()))?;
    let probe = PgProbe::new(pool.clone());
    let mut attempt = 0;
    loop {
        attempt += 1;
        match ciel_domain::ports::DatabaseProbe::ping(&probe).await {
            Ok(()) => break,
            Err(err) if attempt >= DB_START_ATTEMPTS => {
                return Err(WiringError::Database {
                    attempts: attempt,
                    cause: err.to_string(),
                });
            }
            Err(err) => {
                tracing::warn!(attempt, error = %err, "database not reachable yet; retrying in 2 s");
                tokio::time::sleep(DB_START_PAUSE).await;
            }
        }
    }
    if db.migrate_on_start {
        let report = ciel_storage::run_pending(url)
            .await
            .map_err(|e| WiringError::Migrations(e.to_string()))?;
        tracing::info!(applied = ?report.versions, "migrations up to date");
    }
    Ok(pool)
}

/// Everything the API process serves with.
pub struct ApiParts {
    /// Shared HTTP state.
    pub state: HttpState,
    /// The database pool.
    pub pool: PgPool,
    /// Background-loop counters.
    pub process_metrics: ProcessMetrics,
    /// What the media background work needs; `None` without a broker (serverless worker).
    pub media: Option<MediaParts>,
    /// The media job, when this build has an image pipeline.
    pub media_jobs: Option<MediaJobService>,
    /// The in-process queue and its consumers' inputs (`AMQP_URL=memory://`).
    pub in_process_media: Option<InProcessMedia>,
    /// The local-directory store whose signed URLs the API serves (`S3_ENDPOINT=file://…`).
    pub local_objects: Option<Arc<LocalDirStore>>,
}

/// Entries the in-process cache holds (`REDIS_URL=memory://`).
const IN_PROCESS_CACHE_ENTRIES: u64 = 100_000;
/// Bytes of rendered feed posts held in process (about 30,000 posts of ~500 bytes).
const FEED_CARD_BYTES: u64 = 16 * 1024 * 1024;

/// Builds the API's adapters and services from configuration, with this build's image
/// pipeline.
pub async fn build_api(config: &Config) -> Result<ApiParts, WiringError> {
    build_api_with(config, crate::media::image_processor()).await
}

/// [`build_api`] with a given image processor (tests inject theirs).
pub async fn build_api_with(
    config: &Config,
    images: Option<Arc<dyn ImageProcessor>>,
) -> Result<ApiParts, WiringError> {
    let workers = u32::try_from(api_workers()).unwrap_or(u32::MAX);
    let pool = connect_database(&config.database, workers).await?;
    if config.cache_in_process() {
        tracing::warn!(
            "REDIS_URL={}: in-process cache and rate limits (one instance only)",
            crate::config::IN_PROCESS
        );
        let cache = MemoryCache::new(IN_PROCESS_CACHE_ENTRIES);
        let limiter = MemoryLimiter::with_max_keys(config.rate_limit_memory_max_keys);
        return build_parts(
            config,
            pool,
            http_metrics()?,
            Some(Arc::new(cache)),
            Arc::new(limiter),
            images,
        );
    }
    let url = config.redis_url.expose_secret();
    let prefix = config.redis_key_prefix.as_str();
    let cache =
        RedisCache::connect_lazy(url, prefix).map_err(|e| WiringError::Adapter(e.to_string()))?;
    let redis_limiter = RedisLimiter::connect_lazy(url, prefix)
        .map_err(|e| WiringError::Adapter(format!("rate limiter: {e}")))?;
    let http_metrics = http_metrics()?;
    let counted = http_metrics.clone();
    let limiter = FallbackLimiter::new(
        redis_limiter,
        MemoryLimiter::with_max_keys(config.rate_limit_memory_max_keys),
    )
    .with_on_fallback(Arc::new(move || counted.rate_limit_fallback()));
    build_parts(
        config,
        pool,
        http_metrics,
        Some(Arc::new(cache)),
        Arc::new(limiter),
        images,
    )
}

/// A fresh registry with the HTTP metrics in it.
fn http_metrics() -> Result<HttpMetrics, WiringError> {
    HttpMetrics::register(Registry::new()).map_err(|e| WiringError::Adapter(e.to_string()))
}

/// Builds the serverless worker's parts: no cache, the database only.
pub async fn build_lambda(config: &Config) -> Result<ApiParts, WiringError> {
    build_lambda_with(config, crate::media::image_processor()).await
}

/// [`build_lambda`] with a given image processor (tests inject theirs).
pub async fn build_lambda_with(
    config: &Config,
    images: Option<Arc<dyn ImageProcessor>>,
) -> Result<ApiParts, WiringError> {
    let pool = connect_database(&config.database, 0).await?;
    let limiter = MemoryLimiter::with_max_keys(config.rate_limit_memory_max_keys);
    let mut parts = build_parts(
        config,
        pool,
        http_metrics()?,
        None,
        Arc::new(limiter),
        images,
    )?;
    // The lambda counts its jobs itself (no consumer does it here).
    let jobs = crate::media::JobMetrics::register(parts.state.metrics.registry())
        .map_err(|e| WiringError::Adapter(format!("metrics: {e}")))?;
    parts.media_jobs = parts
        .media_jobs
        .map(|service| service.observed(jobs.lambda_observer()));
    parts.state.media_jobs = parts.media_jobs.clone();
    Ok(parts)
}

/// The media job over these ports, when there is an image processor.
pub fn media_jobs(
    config: &Config,
    uow: Arc<dyn UnitOfWork>,
    store: Arc<dyn ObjectStore>,
    images: Option<Arc<dyn ImageProcessor>>,
) -> Option<MediaJobService> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    images.map(|images| {
        MediaJobService::new(
            uow,
            store,
            images,
            clock,
            MediaJobSettings {
                timeout: config.media_worker.job_timeout,
                ..MediaJobSettings::default()
            },
        )
    })
}

/// The broker side of the media work (`None` when no `AMQP_URL` is configured).
pub fn media_parts(
    config: &Config,
    uow: Arc<dyn UnitOfWork>,
    wake: RelayWake,
    registry: &Registry,
) -> Result<Option<MediaParts>, WiringError> {
    let Some(url) = &config.amqp.url else {
        return Ok(None);
    };
    if config.queue_in_process() {
        return Ok(None);
    }
    let rabbit = RabbitConfig::new(url.expose_secret(), &config.amqp.media_queue)
        .map_err(|e| WiringError::Adapter(format!("AMQP_MEDIA_QUEUE: {e}")))?;
    let metrics = MediaMetrics::register(registry)
        .map_err(|e| WiringError::Adapter(format!("metrics: {e}")))?;
    Ok(Some(MediaParts {
        uow,
        queue: Arc::new(RabbitQueue::new(rabbit.clone())),
        rabbit,
        wake,
        metrics,
    }))
}

fn build_parts(
    config: &Config,
    pool: PgPool,
    http_metrics: HttpMetrics,
    cache: Option<Arc<dyn Cache>>,
    limiter: Arc<dyn RateLimiter>,
    images: Option<Arc<dyn ImageProcessor>>,
) -> Result<ApiParts, WiringError> {
    let registry = http_metrics.registry().clone();
    let adapter = |e: prometheus::Error| WiringError::Adapter(format!("metrics: {e}"));
    let process_metrics = ProcessMetrics::register(&registry).map_err(adapter)?;
    registry
        .register(Box::new(PoolCollector::new(pool.clone()).map_err(adapter)?))
        .map_err(adapter)?;

    let health = HealthService::new(Arc::new(PgProbe::new(pool.clone())), cache.clone());
    let (store, local_objects) = object_stores(config)?;
    let accounts_repo = Arc::new(PgAccountRepo::new(pool.clone()));
    let trust_repo = Arc::new(PgTrustRepo::new(pool.clone()));
    let tokens = Arc::new(token_service(config));
    let gate = UserGate::new(config.auth.gate_ttl, config.auth.gate_max_users);
    let passwords = PasswordPool::new(
        config.auth.hash_concurrency,
        config.auth.hash_queue,
        HASH_MAX_WAIT,
    );
    let avatars = AvatarUrls::new(Some(store.clone()), cache.clone());
    let uow: Arc<dyn UnitOfWork> = Arc::new(PgUnitOfWork::new(pool.clone()));
    let core = CoreDeps {
        uow: uow.clone(),
        cache: cache.clone(),
        media_urls: MediaUrls::new(Some(store.clone())),
        store: Some(store.clone()),
        avatars: avatars.clone(),
        clock: Arc::new(SystemClock),
        cards: PostCards::new(Arc::new(MemoryCardStore::new(FEED_CARD_BYTES, CARD_TTL))),
    };
    let wake = RelayWake::new();
    let media = MediaService::new(
        core.clone(),
        MediaSettings {
            upload_url_ttl: config.upload_url_ttl,
            upload_max_bytes: config.upload_max_bytes,
        },
        wake.clone(),
    );
    let media_jobs = media_jobs(config, uow.clone(), store, images);
    let in_process_media = if config.queue_in_process() {
        let metrics = MediaMetrics::register(&registry)
            .map_err(|e| WiringError::Adapter(format!("metrics: {e}")))?;
        Some(InProcessMedia::new(uow.clone(), wake.clone(), metrics))
    } else {
        None
    };
    let media_parts = media_parts(config, uow.clone(), wake, &registry)?;
    let state = HttpState {
        settings: Arc::new(HttpSettings {
            served_by: config.served_by.clone(),
            trusted_proxies: config.trusted_proxies.clone(),
            admin_token: config.auth.admin_token.clone(),
            rate_limits_enabled: config.rate_limits_enabled,
        }),
        health,
        metrics: http_metrics,
        invites: InviteService::new(
            Arc::new(PgInviteRepo::new(pool.clone())),
            trust_repo.clone(),
            uow.clone(),
        ),
        moderation: ModerationService::new(
            Arc::new(PgModerationRepo::new(pool.clone())),
            uow.clone(),
        )
        .with_gate(gate.clone()),
        auth: AuthService::new(
            accounts_repo.clone(),
            Arc::new(PgRefreshTokenRepo::new(pool.clone())),
            tokens,
            passwords,
            uow.clone(),
        )
        .with_gate(gate.clone())
        .with_invites(Arc::new(PgInviteRepo::new(pool.clone()))),
        accounts: AccountService::new(accounts_repo, trust_repo.clone(), avatars)
            .with_gate(gate.clone())
            .with_avatar_media(Arc::new(PgAvatarMediaRepo::new(pool.clone())))
            .with_feed_cards(core.cards.clone()),
        devices: DeviceService::new(Arc::new(PgDeviceRepo::new(pool.clone())), uow),
        ratelimits: RateLimitService::new(limiter, trust_repo, config.ip_signup_rate_limit)
            .with_ipv6_prefix(config.rate_limit_ipv6_prefix)
            .with_overrides(config.rate_limit_overrides.clone())
            .with_gate(gate),
        social: SocialService::new(core.clone()),
        posts: PostService::new(core.clone()),
        stories: StoryService::new(core.clone()),
        feed: FeedService::new(core.clone()),
        notifications: NotificationService::new(core.clone()),
        search: SearchService::new(core),
        media,
        media_jobs: media_jobs.clone(),
    };
    registry
        .register(Box::new(
            FeedCacheCollector::new(state.feed.cache_stats()).map_err(adapter)?,
        ))
        .map_err(adapter)?;
    Ok(ApiParts {
        state,
        pool,
        process_metrics,
        media: media_parts,
        media_jobs,
        in_process_media,
        local_objects,
    })
}

/// Longest wait for a password-hashing slot before answering 503.
const HASH_MAX_WAIT: Duration = Duration::from_secs(2);

/// The object store `S3_ENDPOINT` selects (no network at construction).
pub fn object_store(
    config: &Config,
) -> Result<Arc<dyn ciel_domain::ports::ObjectStore>, WiringError> {
    Ok(object_stores(config)?.0)
}

/// The object store, and the same store as a [`LocalDirStore`] when it is one.
pub type ObjectStores = (Arc<dyn ObjectStore>, Option<Arc<LocalDirStore>>);

/// The object store, and the local-directory store again when it is one (its signed URLs are
/// served by the API, see [`serve_api_with`]).
pub fn object_stores(config: &Config) -> Result<ObjectStores, WiringError> {
    if let ObjectBackend::LocalDir(dir) = config.object_backend() {
        let store = LocalDirStore::new(&dir, rand_key())
            .map_err(|e| WiringError::Adapter(format!("object storage: {e}")))?;
        if let Some(public) = &config.s3.public_endpoint {
            store.set_public_origin(public);
        }
        tracing::warn!(dir = %dir.display(), "objects are stored in a local directory");
        let store = Arc::new(store);
        return Ok((store.clone(), Some(store)));
    }
    Ok((s3_store(config)?, None))
}

/// The S3 adapter from the `S3_*` / `AWS_*` settings.
fn s3_store(config: &Config) -> Result<Arc<dyn ObjectStore>, WiringError> {
    let s3 = &config.s3;
    let store = S3Store::new(S3Settings {
        endpoint: s3.endpoint.clone(),
        public_endpoint: s3.public_endpoint.clone(),
        region: s3.region.clone(),
        bucket: s3.bucket.clone(),
        path_style: s3.force_path_style,
        access_key_id: s3.access_key_id.clone(),
        secret_access_key: s3
            .secret_access_key
            .as_ref()
            .map(|k| k.expose_secret().to_owned()),
    })
    .map_err(|e| WiringError::Adapter(format!("object storage: {e}")))?;
    Ok(Arc::new(store))
}

/// The token service from the PASETO keys. Modes without keys (serverless worker) get random
/// keys: they issue and accept no tokens anyway.
fn token_service(config: &Config) -> TokenService {
    let key = |k: &Option<crate::config::SecretKey>| {
        k.as_ref()
            .map(|k| *k.expose_secret())
            .unwrap_or_else(rand_key)
    };
    TokenService::new(
        &key(&config.auth.access_key),
        &key(&config.auth.refresh_key),
        config.auth.access_ttl,
        config.auth.refresh_ttl,
    )
}

fn rand_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    key[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    key[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    key
}

/// A running HTTP server (API plus, optionally, the private metrics listener).
pub struct RunningApi {
    /// Where the API listens (useful when bound to port 0).
    pub addr: SocketAddr,
    /// Where the metrics listener listens, if configured.
    pub metrics_addr: Option<SocketAddr>,
    handles: Vec<ServerHandle>,
    tasks: Vec<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl RunningApi {
    /// Stops accepting connections and lets in-flight requests finish (10 s at most).
    pub async fn stop(self) {
        for handle in &self.handles {
            handle.stop(true).await;
        }
        for task in self.tasks {
            if let Ok(Err(err)) = task.await {
                tracing::warn!(error = %err, "HTTP server ended with an error");
            }
        }
    }
}

fn bind_error(addr: SocketAddr) -> impl Fn(std::io::Error) -> WiringError {
    move |e| WiringError::Bind {
        addr,
        cause: e.to_string(),
    }
}

/// Binds an actix server for `$factory` on `$addr` with `$workers` workers (all when `None`) and
/// `$grace` seconds of shutdown grace, spawns it, and yields `(bound address, handle, task)`.
/// A macro because actix's server factory bounds are not worth spelling out for two callers.
macro_rules! start_server {
    ($factory:expr, $addr:expr, $workers:expr, $grace:expr) => {{
        let addr: SocketAddr = $addr;
        let mut server = HttpServer::new($factory)
            .disable_signals()
            .shutdown_timeout($grace);
        if let Some(workers) = $workers {
            server = server.workers(workers);
        }
        let server = server.bind(addr).map_err(bind_error(addr))?;
        let bound = server.addrs().first().copied().unwrap_or(addr);
        let server = server.run();
        let handle = server.handle();
        (bound, handle, tokio::spawn(server))
    }};
}

/// Binds and starts the API (and the metrics listener when `metrics_addr` is set).
pub fn serve_api(
    state: HttpState,
    http_addr: SocketAddr,
    metrics_addr: Option<SocketAddr>,
) -> Result<RunningApi, WiringError> {
    serve_api_with(state, http_addr, metrics_addr, None, None)
}

/// [`serve_api`], also serving the signed URLs of a local-directory store (bodies up to
/// `max_body` bytes); the store's URLs point at the bound address unless `S3_PUBLIC_ENDPOINT`
/// gave it an origin. With `pool`, each worker adopts a share of its connections as it
/// starts, so its queries run on connections driven by its own thread.
pub fn serve_api_with(
    state: HttpState,
    http_addr: SocketAddr,
    metrics_addr: Option<SocketAddr>,
    local_objects: Option<(Arc<LocalDirStore>, usize)>,
    pool: Option<PgPool>,
) -> Result<RunningApi, WiringError> {
    let api_state = state.clone();
    let objects = local_objects.clone();
    let (addr, handle, task) = start_server!(
        move || {
            // Runs on each worker's thread, inside its runtime.
            if let Some(pool) = &pool {
                pool.adopt_current_thread();
            }
            let app = build_app(api_state.clone());
            match &objects {
                Some((store, max)) => {
                    app.service(crate::local_objects::routes(store.clone(), *max))
                }
                None => app,
            }
        },
        http_addr,
        Some(api_workers()),
        HTTP_SHUTDOWN_GRACE.as_secs()
    );
    if let Some((store, _)) = &local_objects
        && store.public_origin().is_none()
    {
        let mut origin = addr;
        if origin.ip().is_unspecified() {
            origin.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        store.set_public_origin(&format!("http://{origin}"));
    }
    let mut running = RunningApi {
        addr,
        metrics_addr: None,
        handles: vec![handle],
        tasks: vec![task],
    };
    if let Some(maddr) = metrics_addr {
        let (bound, handle, task) =
            start_server!(move || build_metrics_app(state.clone()), maddr, Some(1), 2);
        running.metrics_addr = Some(bound);
        running.handles.push(handle);
        running.tasks.push(task);
    }
    Ok(running)
}

/// Binds and starts a metrics-only listener over `metrics` (the worker's `METRICS_ADDR`).
pub fn serve_metrics(metrics: HttpMetrics, addr: SocketAddr) -> Result<RunningApi, WiringError> {
    let (bound, handle, task) = start_server!(
        move || build_registry_app(metrics.clone()),
        addr,
        Some(1),
        2
    );
    Ok(RunningApi {
        addr: bound,
        metrics_addr: Some(bound),
        handles: vec![handle],
        tasks: vec![task],
    })
}

/// Binds and starts the serverless worker's HTTP endpoint.
pub fn serve_lambda(state: HttpState, http_addr: SocketAddr) -> Result<RunningApi, WiringError> {
    let (addr, handle, task) = start_server!(
        move || build_lambda_app(state.clone()),
        http_addr,
        Some(api_workers()),
        HTTP_SHUTDOWN_GRACE.as_secs()
    );
    Ok(RunningApi {
        addr,
        metrics_addr: None,
        handles: vec![handle],
        tasks: vec![task],
    })
}

/// The largest body the local-directory store's upload route accepts: the largest declared
/// upload (the signature then pins the exact length).
pub fn local_upload_limit(config: &Config) -> usize {
    usize::try_from(config.upload_max_bytes).unwrap_or(usize::MAX)
}
