//! Where a test finds its services: the environment first, else services this process starts.

use crate::services::{self, ServiceEnv, ServiceKind};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

/// The variable whose presence tells that a service was started for us.
fn marker(kind: ServiceKind) -> &'static str {
    match kind {
        ServiceKind::Postgres => "DATABASE_URL",
        ServiceKind::Redis => "REDIS_URL",
        ServiceKind::RabbitMq => "AMQP_URL",
        ServiceKind::S3 => "S3_ENDPOINT",
    }
}

/// The workspace root (tests run from their crate's directory).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")))
}

static STARTED: OnceLock<Mutex<HashMap<ServiceKind, ServiceEnv>>> = OnceLock::new();

/// The value of `var`, which belongs to service `kind`: from the process environment when
/// `cargo xtask test` (or the developer) provided the service, otherwise from a service this
/// process starts on first use. Panics with a message saying what to do when a service cannot
/// start.
#[allow(clippy::disallowed_methods)] // the test kit reads the test environment, not app config
pub fn service_var(kind: ServiceKind, var: &str) -> String {
    if std::env::var_os(marker(kind)).is_some() {
        return std::env::var(var).unwrap_or_else(|_| {
            panic!(
                "{var} is not set although {} is; export both (see `cargo xtask services up`)",
                marker(kind)
            )
        });
    }
    let started = STARTED.get_or_init(|| Mutex::new(HashMap::new()));
    let mut started = started.lock().unwrap_or_else(|p| p.into_inner());
    let env = started
        .entry(kind)
        .or_insert_with(|| start_for_this_process(kind));
    env.get(var)
        .unwrap_or_else(|| panic!("service {} did not provide {var}", kind.name()))
        .to_owned()
}

fn start_for_this_process(kind: ServiceKind) -> ServiceEnv {
    let target = workspace_root().join("target");
    let dir =
        target
            .join("ciel-test-services")
            .join(format!("{}-{}", std::process::id(), kind.name()));
    // The watchdog comes first, so a process killed while a service boots leaks nothing.
    let result = services::ensure_installed(&[kind], &target)
        .and_then(|()| services::spawn_watchdog(&dir, std::process::id()))
        .and_then(|()| services::start(&dir, &[kind]));
    match result {
        Ok(env) => env,
        Err(err) => panic!(
            "could not start {} for this test process: {err:#}\n\
             Start all services once with `cargo xtask services up` and export their env file, \
             or run the suite with `cargo xtask test`.",
            kind.name()
        ),
    }
}

/// The Redis URL for tests.
pub fn redis_url() -> String {
    service_var(ServiceKind::Redis, "REDIS_URL")
}

/// A name unique to this call: `{prefix}_{32 hex}` (for databases, key prefixes, buckets).
pub fn unique_name(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::new_v4().simple())
}
