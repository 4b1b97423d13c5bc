//! Typed configuration: every variable of contract §5 plus this design's additions, read from
//! the environment **once** at start-up, validated, and passed down. Every problem is reported
//! at once, each naming its variable. Secrets are wrapped so they never reach a log.
//!
//! This module is the only place in the workspace that reads the process environment.

mod backends;
mod database_url;
mod parse;

pub use backends::{IN_PROCESS, ObjectBackend};

use ciel_domain::ratelimit::LimitOverrides;
use ipnet::IpNet;
use parse::Reader;
use secrecy::{ExposeSecret, SecretBox, SecretString};
use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

/// Which process role this instance plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppMode {
    /// HTTP API plus its background loops.
    Api,
    /// The RabbitMQ media consumer only.
    Worker,
    /// API and media consumer in one process.
    Combined,
    /// A minimal HTTP endpoint that runs one media job per request.
    ServerlessWorker,
}

impl AppMode {
    /// The wire spelling of the mode.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Api => "api",
            Self::Worker => "worker",
            Self::Combined => "combined",
            Self::ServerlessWorker => "serverless-worker",
        }
    }

    /// The binary that serves this mode.
    pub fn binary(self) -> &'static str {
        match self {
            Self::Api | Self::Combined => "ciel-api",
            Self::Worker => "ciel-worker",
            Self::ServerlessWorker => "ciel-lambda",
        }
    }

    fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "api" => Self::Api,
            "worker" => Self::Worker,
            "combined" => Self::Combined,
            "serverless-worker" => Self::ServerlessWorker,
            _ => return None,
        })
    }
}

impl fmt::Display for AppMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The shortest `ADMIN_TOKEN` accepted: shorter ones are refused at start.
pub const MIN_ADMIN_TOKEN_CHARS: usize = 32;

/// A 32-byte symmetric key (PASETO v4.local).
pub type SecretKey = SecretBox<[u8; 32]>;

/// Postgres settings (`DATABASE_URL`, `DB_*`).
#[derive(Debug)]
pub struct DatabaseConfig {
    /// The connection URL (may hold a password).
    pub url: SecretString,
    /// Pool size per process.
    pub max_connections: u32,
    /// Longest wait to acquire a pooled connection.
    pub connect_timeout: Duration,
    /// Idle connections are closed after this.
    pub idle_timeout: Duration,
    /// Connections are recycled after this.
    pub max_lifetime: Duration,
    /// `statement_timeout` on every connection.
    pub statement_timeout: Duration,
    /// Run pending migrations at start (`MIGRATE_ON_START`).
    pub migrate_on_start: bool,
}

/// Object storage settings (`S3_*`, `AWS_*`).
#[derive(Debug)]
pub struct S3Config {
    /// Endpoint used for signing and I/O.
    pub endpoint: String,
    /// Replaces scheme, host and port of presigned GET URLs when set.
    pub public_endpoint: Option<String>,
    /// Signing region.
    pub region: String,
    /// Bucket name.
    pub bucket: String,
    /// Path-style addressing (MinIO/s3s-style endpoints).
    pub force_path_style: bool,
    /// Access key id (`AWS_ACCESS_KEY_ID`).
    pub access_key_id: Option<String>,
    /// Secret key (`AWS_SECRET_ACCESS_KEY`).
    pub secret_access_key: Option<SecretString>,
}

/// RabbitMQ settings (replacing the reference's `QUEUE_*`/`SQS_*`, contract §0).
#[derive(Debug)]
pub struct AmqpConfig {
    /// Broker URL (`AMQP_URL`); `None` only in modes that need no broker.
    pub url: Option<SecretString>,
    /// Name of the durable media job queue (`AMQP_MEDIA_QUEUE`); retry and dead-letter queues
    /// are derived from it.
    pub media_queue: String,
}

/// The media worker (`MEDIA_*`, `OUTBOX_POLL_MS`): how many jobs run at once, how long one
/// image may take, how often a transient failure is retried.
#[derive(Debug, Clone, Copy)]
pub struct MediaWorkerConfig {
    /// Jobs processed at once by one process (`MEDIA_WORKER_CONCURRENCY`, default 2).
    pub concurrency: u16,
    /// Longest processing of one image before it fails permanently
    /// (`MEDIA_JOB_TIMEOUT_SECONDS`, default 60).
    pub job_timeout: Duration,
    /// Attempts before a transiently failing job is dead-lettered (`MEDIA_JOB_MAX_ATTEMPTS`,
    /// default 5).
    pub max_attempts: u32,
    /// First retry back-off, doubled per attempt (`MEDIA_JOB_RETRY_BASE_MS`, default 1000).
    pub retry_base: Duration,
    /// How often the outbox relay looks for due jobs when not woken (`OUTBOX_POLL_MS`,
    /// default 1000).
    pub outbox_poll: Duration,
}

/// Token settings (`PASETO_*`, `*_TTL_*`).
#[derive(Debug)]
pub struct AuthConfig {
    /// Access-token key; `None` only in `serverless-worker`.
    pub access_key: Option<SecretKey>,
    /// Refresh-token key; `None` only in `serverless-worker`.
    pub refresh_key: Option<SecretKey>,
    /// Access-token lifetime.
    pub access_ttl: Duration,
    /// Refresh-token lifetime.
    pub refresh_ttl: Duration,
    /// Shared secret for `x-admin-token` (at least [`MIN_ADMIN_TOKEN_CHARS`] characters); `None`
    /// when unset or empty (admin routes answer 403).
    pub admin_token: Option<SecretString>,
    /// Argon2 computations allowed at once (`PASSWORD_HASH_CONCURRENCY`, default the cores).
    pub hash_concurrency: usize,
    /// Callers allowed to wait for a hashing slot before 503 (`PASSWORD_HASH_QUEUE`).
    pub hash_queue: usize,
    /// How long "is this user active, at which trust level" is reused in-process
    /// (`AUTH_CACHE_TTL_MS`, default 5000; 0 asks Postgres on every request).
    pub gate_ttl: Duration,
    /// Most users that cache holds (`AUTH_CACHE_MAX_USERS`, default 100 000).
    pub gate_max_users: usize,
}

/// The whole configuration.
#[derive(Debug)]
pub struct Config {
    /// Process role.
    pub mode: AppMode,
    /// Listen socket.
    pub http_addr: SocketAddr,
    /// Optional unauthenticated metrics listener.
    pub metrics_addr: Option<SocketAddr>,
    /// Postgres.
    pub database: DatabaseConfig,
    /// Redis URL (cache and rate-limit store).
    pub redis_url: SecretString,
    /// Prefix of every Redis key (`REDIS_KEY_PREFIX`, default empty so keys match other Ciel
    /// implementations sharing the Redis).
    pub redis_key_prefix: String,
    /// Whether the edge enforces rate limits (`RATE_LIMIT_ENABLED`, default true).
    pub rate_limits_enabled: bool,
    /// IPv6 clients are limited per this prefix length (`RATE_LIMIT_IPV6_PREFIX`, default 64).
    pub rate_limit_ipv6_prefix: u8,
    /// Keys the in-process limiter holds at most (`RATE_LIMIT_MEMORY_MAX_KEYS`, default
    /// 100 000); the oldest are evicted beyond.
    pub rate_limit_memory_max_keys: usize,
    /// Overrides of the §4 tables (`RATE_LIMIT_OVERRIDES`, e.g. `post:hour:new=3,login:hour=20`).
    pub rate_limit_overrides: LimitOverrides,
    /// Object storage.
    pub s3: S3Config,
    /// Message broker.
    pub amqp: AmqpConfig,
    /// The media worker.
    pub media_worker: MediaWorkerConfig,
    /// Tokens and admin secret.
    pub auth: AuthConfig,
    /// Presigned PUT lifetime.
    pub upload_url_ttl: Duration,
    /// Largest declared upload.
    pub upload_max_bytes: u64,
    /// Sign-ups per IP per day.
    pub ip_signup_rate_limit: u32,
    /// Proxies whose forwarding headers are trusted.
    pub trusted_proxies: Vec<IpNet>,
    /// Capacity of the in-process notification hand-off.
    pub notification_queue_capacity: usize,
    /// `X-Ciel-Served-By` value.
    pub served_by: String,
    /// Log filter (`RUST_LOG`), default `info`.
    pub log_filter: String,
    /// `json` (default) or `pretty` log lines (`LOG_FORMAT`).
    pub log_format: LogFormat,
    /// OTLP/HTTP endpoint for traces; tracing export is off when unset.
    pub otel_endpoint: Option<String>,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line (production).
    Json,
    /// Human-readable lines (development).
    Pretty,
}

/// Everything wrong with the environment, one line per variable.
#[derive(Debug, thiserror::Error)]
pub struct ConfigError {
    /// `(variable, problem)` pairs.
    pub problems: Vec<(String, String)>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "invalid configuration (fix these environment variables):"
        )?;
        for (var, problem) in &self.problems {
            writeln!(f, "  {var}: {problem}")?;
        }
        Ok(())
    }
}

/// One hashing thread per available core: they run at a lower scheduling priority than the
/// request threads, so hashing takes only the CPU the rest leaves idle.
fn default_hash_concurrency() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .max(1)
}

impl Config {
    /// Reads and validates the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        let env = config::Config::builder()
            .add_source(config::Environment::default())
            .build()
            .map_err(|e| ConfigError {
                problems: vec![("environment".into(), e.to_string())],
            })?;
        // `config` lowercases keys; ours are upper case, as the contract spells them.
        let map: HashMap<String, String> = env
            .try_deserialize::<HashMap<String, String>>()
            .map_err(|e| ConfigError {
                problems: vec![("environment".into(), e.to_string())],
            })?
            .into_iter()
            .map(|(k, v)| (k.to_ascii_uppercase(), v))
            .collect();
        Self::from_map(&map)
    }

    /// Validates configuration given as a map of variable → value (tests, embedders).
    pub fn from_map(vars: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let mut r = Reader::new(vars);
        let mode = r
            .parse_with(
                "APP_MODE",
                "api",
                "one of api, worker, combined, serverless-worker",
                AppMode::parse,
            )
            .unwrap_or(AppMode::Api);
        let serverless = mode == AppMode::ServerlessWorker;
        let needs_amqp = !serverless;

        let http_addr = r.socket_addr("HTTP_ADDR", "0.0.0.0:8080");
        let metrics_addr = r.optional_socket_addr("METRICS_ADDR");
        let database = DatabaseConfig {
            url: r.database_url(),
            max_connections: r.number(
                "DB_MAX_CONNECTIONS",
                if serverless { 5 } else { 25 },
                1,
                10_000,
            ),
            connect_timeout: r.seconds("DB_CONNECT_TIMEOUT_SECONDS", 5),
            idle_timeout: r.seconds("DB_IDLE_TIMEOUT_SECONDS", 300),
            max_lifetime: r.seconds("DB_MAX_LIFETIME_SECONDS", 1800),
            statement_timeout: r.seconds("DB_STATEMENT_TIMEOUT_SECONDS", 30),
            migrate_on_start: r.boolean("MIGRATE_ON_START", false),
        };
        let redis_url = SecretString::from(r.string("REDIS_URL", "redis://127.0.0.1/"));
        let redis_key_prefix = r.string("REDIS_KEY_PREFIX", "");
        let rate_limits_enabled = r.boolean("RATE_LIMIT_ENABLED", true);
        let rate_limit_ipv6_prefix = r.number("RATE_LIMIT_IPV6_PREFIX", 64u8, 1, 128);
        let rate_limit_memory_max_keys =
            r.number("RATE_LIMIT_MEMORY_MAX_KEYS", 100_000usize, 1, 100_000_000);
        let rate_limit_overrides = r
            .parse_result("RATE_LIMIT_OVERRIDES", LimitOverrides::parse)
            .unwrap_or_default();
        let s3 = S3Config {
            endpoint: r.required_store_url("S3_ENDPOINT"),
            public_endpoint: r.optional_url("S3_PUBLIC_ENDPOINT"),
            region: r.string("S3_REGION", "fr-par"),
            bucket: r.required(
                "S3_BUCKET",
                "the bucket that holds originals and derivatives",
            ),
            force_path_style: r.boolean("S3_FORCE_PATH_STYLE", false),
            access_key_id: r.optional("AWS_ACCESS_KEY_ID"),
            secret_access_key: r.optional("AWS_SECRET_ACCESS_KEY").map(SecretString::from),
        };
        let amqp = AmqpConfig {
            url: if needs_amqp {
                Some(r.required_secret(
                    "AMQP_URL",
                    "a RabbitMQ URL, e.g. amqp://guest:guest@127.0.0.1:5672/%2f",
                ))
            } else {
                r.optional("AMQP_URL").map(SecretString::from)
            },
            media_queue: r.string("AMQP_MEDIA_QUEUE", "ciel.media"),
        };
        let media_worker = MediaWorkerConfig {
            concurrency: r.number("MEDIA_WORKER_CONCURRENCY", 2, 1, 256),
            job_timeout: Duration::from_secs(r.number("MEDIA_JOB_TIMEOUT_SECONDS", 60, 1, 3600)),
            max_attempts: r.number("MEDIA_JOB_MAX_ATTEMPTS", 5, 1, 100),
            retry_base: Duration::from_millis(r.number(
                "MEDIA_JOB_RETRY_BASE_MS",
                1000,
                1,
                3_600_000,
            )),
            outbox_poll: Duration::from_millis(r.number("OUTBOX_POLL_MS", 1000, 10, 3_600_000)),
        };
        let auth = AuthConfig {
            access_key: r.paseto_key("PASETO_ACCESS_KEY", !serverless),
            refresh_key: r.paseto_key("PASETO_REFRESH_KEY", !serverless),
            access_ttl: Duration::from_secs(
                60 * r.number::<u64>("ACCESS_TTL_MINUTES", 15, 1, 24 * 60),
            ),
            refresh_ttl: Duration::from_secs(
                86_400 * r.number::<u64>("REFRESH_TTL_DAYS", 30, 1, 3650),
            ),
            admin_token: r.admin_token("ADMIN_TOKEN"),
            hash_concurrency: r.number(
                "PASSWORD_HASH_CONCURRENCY",
                default_hash_concurrency(),
                1,
                1024,
            ),
            hash_queue: r.number("PASSWORD_HASH_QUEUE", 32, 0, 100_000),
            gate_ttl: Duration::from_millis(r.number("AUTH_CACHE_TTL_MS", 5_000, 0, 60_000)),
            gate_max_users: r.number("AUTH_CACHE_MAX_USERS", 100_000, 1, 100_000_000),
        };
        let config = Config {
            mode,
            http_addr,
            metrics_addr,
            database,
            redis_url,
            redis_key_prefix,
            rate_limits_enabled,
            rate_limit_ipv6_prefix,
            rate_limit_memory_max_keys,
            rate_limit_overrides,
            s3,
            amqp,
            media_worker,
            auth,
            upload_url_ttl: r.seconds("UPLOAD_URL_TTL_SECONDS", 900),
            upload_max_bytes: r.number("UPLOAD_MAX_BYTES", 10_485_760, 1, 5 * 1024 * 1024 * 1024),
            ip_signup_rate_limit: r.number("IP_SIGNUP_RATE_LIMIT", 3, 1, 1_000_000),
            trusted_proxies: r.cidr_list("TRUSTED_PROXY_CIDRS"),
            notification_queue_capacity: r.number(
                "NOTIFICATION_QUEUE_CAPACITY",
                2048,
                1,
                1_000_000,
            ),
            served_by: r.string("CIEL_SERVED_BY", "rust"),
            log_filter: r.string("RUST_LOG", "info"),
            log_format: r
                .parse_with("LOG_FORMAT", "json", "json or pretty", |v| match v {
                    "json" => Some(LogFormat::Json),
                    "pretty" => Some(LogFormat::Pretty),
                    _ => None,
                })
                .unwrap_or(LogFormat::Json),
            otel_endpoint: r.optional_url("OTEL_EXPORTER_OTLP_ENDPOINT"),
        };
        backends::check(&config, &mut r);
        r.finish()?;
        Ok(config)
    }

    /// True when either PASETO key is all zeros (allowed, but warned about at start).
    pub fn has_all_zero_paseto_key(&self) -> bool {
        [&self.auth.access_key, &self.auth.refresh_key]
            .into_iter()
            .flatten()
            .any(|k| k.expose_secret().iter().all(|b| *b == 0))
    }
}

#[cfg(test)]
mod tests;
