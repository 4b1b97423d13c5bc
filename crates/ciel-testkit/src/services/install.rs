//! Finding the service binaries, and installing the missing ones (apt-get as root, `cargo install s3s-fs`).

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::ServiceKind;
use super::process::{env_os, is_executable, run_logged, tail, which};

/// Where Debian's postgresql-15 package puts initdb, pg_ctl and postgres.
pub(crate) const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

/// The s3s-fs release that builds with our toolchain (0.17 needs a newer rustc).
const S3S_FS_VERSION: &str = "0.14.1";

/// `initdb`/`pg_ctl`/`postgres` of PostgreSQL 15, or `None` when one is missing.
pub(crate) fn pg_bin() -> Option<PathBuf> {
    let dir = PathBuf::from(PG_BIN);
    ["initdb", "pg_ctl", "postgres"]
        .iter()
        .all(|b| is_executable(&dir.join(b)))
        .then_some(dir)
}

/// `psql` (from PostgreSQL 15 if present, else the one on PATH).
pub(crate) fn psql() -> Option<PathBuf> {
    let own = Path::new(PG_BIN).join("psql");
    if is_executable(&own) {
        return Some(own);
    }
    which("psql", &[PathBuf::from("/usr/bin")])
}

/// `redis-server`.
pub(crate) fn redis_server() -> Option<PathBuf> {
    which("redis-server", &[PathBuf::from("/usr/bin")])
}

/// Debian's `rabbitmq-server` wrapper (as root it re-runs itself as user `rabbitmq`).
pub(crate) fn rabbitmq_server() -> Option<PathBuf> {
    which("rabbitmq-server", &[PathBuf::from("/usr/sbin")])
}

/// Debian's `rabbitmqctl` wrapper.
pub(crate) fn rabbitmqctl() -> Option<PathBuf> {
    which("rabbitmqctl", &[PathBuf::from("/usr/sbin")])
}

/// `$CARGO_HOME/bin`, then `~/.cargo/bin`.
fn cargo_bin_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(home) = env_os("CARGO_HOME") {
        dirs.push(PathBuf::from(home).join("bin"));
    }
    if let Some(home) = env_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo").join("bin"));
    }
    dirs
}

/// `s3s-fs` on PATH or in cargo's bin directory.
pub(crate) fn s3s_fs() -> Option<PathBuf> {
    which("s3s-fs", &cargo_bin_dirs())
}

/// The Debian package that provides what `kind` needs, if it is missing.
pub(crate) fn missing_package(kind: ServiceKind) -> Option<&'static str> {
    match kind {
        ServiceKind::Postgres => {
            (pg_bin().is_none() || psql().is_none()).then_some("postgresql-15")
        }
        ServiceKind::Redis => redis_server().is_none().then_some("redis-server"),
        ServiceKind::RabbitMq => {
            (rabbitmq_server().is_none() || rabbitmqctl().is_none()).then_some("rabbitmq-server")
        }
        ServiceKind::S3 => None,
    }
}

/// Debian packages missing for `kinds`, without duplicates.
fn missing_packages(kinds: &[ServiceKind]) -> Vec<&'static str> {
    let mut pkgs: Vec<&'static str> = Vec::new();
    for pkg in kinds.iter().filter_map(|k| missing_package(*k)) {
        if !pkgs.contains(&pkg) {
            pkgs.push(pkg);
        }
    }
    pkgs
}

fn needs_s3s_fs(kinds: &[ServiceKind]) -> bool {
    kinds.contains(&ServiceKind::S3) && s3s_fs().is_none()
}

/// Installs what `kinds` need when missing: Debian packages `postgresql-15` / `redis-server` /
/// `rabbitmq-server` via `apt-get update` (once) + `apt-get install` when running as root, and the
/// s3s-fs binary via `cargo install s3s-fs --version 0.14.1 --features binary --locked` when it is
/// neither on PATH nor in `$CARGO_HOME/bin` (default `~/.cargo/bin`).
///
/// Concurrent installers are serialised with an exclusive lock on `lock_dir/services-install.lock`;
/// installer output goes to `lock_dir/install-*.log`. When everything is present this only looks
/// at a few files and returns at once (no lock, no process).
pub fn ensure_installed(kinds: &[ServiceKind], lock_dir: &Path) -> Result<()> {
    if missing_packages(kinds).is_empty() && !needs_s3s_fs(kinds) {
        return Ok(());
    }
    std::fs::create_dir_all(lock_dir)
        .with_context(|| format!("cannot create lock directory {}", lock_dir.display()))?;
    let _lock = lock(&lock_dir.join("services-install.lock"))?;

    // Re-check under the lock: another process may have installed things while we waited.
    let pkgs = missing_packages(kinds);
    if !pkgs.is_empty() {
        apt_install(&pkgs, lock_dir)?;
        let still = missing_packages(kinds);
        if !still.is_empty() {
            bail!(
                "apt-get install {} finished but the binaries are still missing (looked in {PG_BIN}, PATH, /usr/sbin); \
                 see {}",
                still.join(" "),
                lock_dir.join("install-apt.log").display()
            );
        }
    }
    if needs_s3s_fs(kinds) {
        cargo_install_s3s_fs(lock_dir)?;
    }
    Ok(())
}

/// Takes an exclusive lock on `path` (released when the returned file is dropped).
fn lock(path: &Path) -> Result<File> {
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .with_context(|| format!("cannot open lock file {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            eprintln!(
                "services: waiting for another installer to finish (lock {}) …",
                path.display()
            );
            file.lock()
                .with_context(|| format!("cannot lock {}", path.display()))?;
        }
        Err(TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("cannot lock {}", path.display()));
        }
    }
    Ok(file)
}

fn apt_install(pkgs: &[&str], lock_dir: &Path) -> Result<()> {
    let list = pkgs.join(" ");
    if !super::is_root() {
        bail!(
            "{list} not installed (needed binaries are missing) and we are not root, so apt-get cannot install them; \
             run as root or install {list} yourself (`sudo apt-get install -y {list}`)"
        );
    }
    let log = lock_dir.join("install-apt.log");
    let started = Instant::now();
    eprintln!(
        "services: installing {list} with apt-get … (output in {})",
        log.display()
    );
    let apt = |args: &[&str], what: &str, timeout_s: u64| -> Result<()> {
        let mut cmd = Command::new("apt-get");
        cmd.env("DEBIAN_FRONTEND", "noninteractive")
            .args(["-o", "DPkg::Lock::Timeout=300"])
            .args(args);
        run_logged(&mut cmd, &log, Duration::from_secs(timeout_s), what).map_err(|e| {
            anyhow::anyhow!(
                "{e:#}\n--- last lines of {} ---\n{}\n---\nfix the apt problem above (network? dpkg lock?) or install {list} yourself",
                log.display(),
                tail(&log, 20)
            )
        })
    };
    // `apt-get update` once per process, however many installs follow.
    static UPDATED: AtomicBool = AtomicBool::new(false);
    if !UPDATED.load(Ordering::SeqCst) {
        apt(&["update", "-q"], "apt-get update", 600)?;
        UPDATED.store(true, Ordering::SeqCst);
    }
    let mut install = vec!["install", "-y", "-q", "--no-install-recommends"];
    install.extend_from_slice(pkgs);
    apt(&install, &format!("apt-get install {list}"), 1200)?;
    eprintln!(
        "services: installed {list} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn cargo_install_s3s_fs(lock_dir: &Path) -> Result<()> {
    let log = lock_dir.join("install-s3s-fs.log");
    let cargo = env_os("CARGO").unwrap_or_else(|| "cargo".into());
    let started = Instant::now();
    eprintln!(
        "services: installing s3s-fs {S3S_FS_VERSION} with cargo install (about 2 min; output in {}) …",
        log.display()
    );
    let mut cmd = Command::new(&cargo);
    cmd.args(["install", "s3s-fs", "--version", S3S_FS_VERSION])
        .args(["--features", "binary", "--locked"])
        // Build outside the workspace: no workspace config, no shared target dir lock.
        .current_dir(std::env::temp_dir())
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    run_logged(&mut cmd, &log, Duration::from_secs(1800), "cargo install s3s-fs").map_err(|e| {
        anyhow::anyhow!(
            "{e:#}\n--- last lines of {} ---\n{}\n---\nfix the build problem above, or install it yourself: \
             `cargo install s3s-fs --version {S3S_FS_VERSION} --features binary --locked`",
            log.display(),
            tail(&log, 20)
        )
    })?;
    if s3s_fs().is_none() {
        bail!(
            "cargo install s3s-fs succeeded but s3s-fs is neither on PATH nor in $CARGO_HOME/bin or ~/.cargo/bin; \
             see {} and put the installed binary on PATH",
            log.display()
        );
    }
    eprintln!(
        "services: installed s3s-fs in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
