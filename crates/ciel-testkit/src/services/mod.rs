//! Throwaway local services (PostgreSQL 15, Redis, RabbitMQ, s3s-fs) for tests and `cargo xtask services`.
//!
//! Everything lives in one state directory chosen by the caller:
//!
//! ```text
//! DIR/env        `export KEY=VALUE` lines for the services that run (written last: its presence means "up")
//! DIR/down.sh    stops exactly these processes, then removes DIR (written before anything starts)
//! DIR/pg/        data/, pg.log, ...                (owned by `postgres` when we run as root)
//! DIR/redis/     redis.pid, redis.log
//! DIR/rabbitmq/  rabbitmq.conf, rabbit.pid, log/  (owned by `rabbitmq` when we run as root)
//! DIR/s3/        data/ciel-media/, s3s-fs.pid, s3s-fs.log
//! ```
//!
//! Daemons are detached from the caller's process group, so they outlive it; they are stopped by
//! [`stop`], by `sh DIR/down.sh`, or by the watchdog from [`spawn_watchdog`].
//! Facts and timings behind the commands: `/work/shared/design/LOCAL-SERVICES.md` §1, §2 and §5.

mod down;
mod envfile;
pub(crate) mod install;
mod lifecycle;
mod ports;
pub use ports::redis_pong;

/// The `redis-server` binary, if installed.
pub fn redis_server_binary() -> Option<std::path::PathBuf> {
    install::redis_server()
}
/// Whether `kind`'s binaries are installed (PostgreSQL 15 and psql, redis-server,
/// rabbitmq-server and rabbitmqctl, or s3s-fs).
pub fn is_installed(kind: ServiceKind) -> bool {
    install::missing_package(kind).is_none()
        && (kind != ServiceKind::S3 || install::s3s_fs().is_some())
}

/// Whether [`ensure_installed`] can install `kind` here: apt-get and `cargo install` run only
/// when we are root (a throwaway CI machine), never on someone's laptop.
pub fn can_install(_kind: ServiceKind) -> bool {
    is_root()
}
mod postgres;
mod process;
mod rabbitmq;
mod redis;
mod s3;
mod watchdog;

pub use envfile::{ServiceEnv, read_env};
pub use install::ensure_installed;
pub(crate) use lifecycle::{Ctx, start_rabbitmq};
pub use lifecycle::{start, status, stop};
pub(crate) use ports::port_open;
pub(crate) use rabbitmq::RabbitMq;
pub use watchdog::spawn_watchdog;

/// One kind of throwaway service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ServiceKind {
    /// PostgreSQL 15 cluster with trust auth; database `ciel`.
    Postgres,
    /// Redis without persistence.
    Redis,
    /// RabbitMQ node with the management plugin.
    RabbitMq,
    /// s3s-fs S3 server with bucket `ciel-media`.
    S3,
}

impl ServiceKind {
    /// Every kind, in start/report order.
    pub const ALL: [ServiceKind; 4] = [
        ServiceKind::Postgres,
        ServiceKind::Redis,
        ServiceKind::RabbitMq,
        ServiceKind::S3,
    ];

    /// Short lower-case name: "postgres", "redis", "rabbitmq" or "s3".
    pub fn name(self) -> &'static str {
        match self {
            ServiceKind::Postgres => "postgres",
            ServiceKind::Redis => "redis",
            ServiceKind::RabbitMq => "rabbitmq",
            ServiceKind::S3 => "s3",
        }
    }

    /// The variable in `DIR/env` whose presence means this kind runs, and whose URL `status` reports.
    pub(crate) fn url_var(self) -> &'static str {
        match self {
            ServiceKind::Postgres => "DATABASE_URL",
            ServiceKind::Redis => "REDIS_URL",
            ServiceKind::RabbitMq => "AMQP_URL",
            ServiceKind::S3 => "S3_ENDPOINT",
        }
    }
}

impl std::fmt::Display for ServiceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What [`status`] reports for one service found in `DIR/env`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceStatus {
    /// Which service.
    pub kind: ServiceKind,
    /// Whether its port accepted a TCP connection just now.
    pub up: bool,
    /// Its URL from `DIR/env` (DATABASE_URL, REDIS_URL, AMQP_URL or S3_ENDPOINT).
    pub url: String,
}

/// True when this process runs with effective uid 0.
pub(crate) fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions, cannot fail and touches no memory of ours.
    #[allow(unsafe_code)]
    let euid = unsafe { libc::geteuid() };
    euid == 0
}
