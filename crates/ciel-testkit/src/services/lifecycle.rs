//! `start`, `stop` and `status`: planning ports, writing down.sh, starting services concurrently.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};

use super::envfile::{ServiceEnv, read_env, write_env};
use super::ports::{PortPool, port_open, url_port};
use super::postgres::Postgres;
use super::process::tail;
use super::rabbitmq::RabbitMq;
use super::redis::Redis;
use super::s3::S3;
use super::{ServiceKind, ServiceStatus, down, is_root};

/// What every service start needs to know.
pub(crate) struct Ctx {
    /// The absolute, canonical state directory.
    pub(crate) dir: PathBuf,
    /// Whether we run as root (then Postgres and RabbitMQ run as their own system users).
    pub(crate) root: bool,
}

/// One planned service: ports chosen and binaries found, nothing started yet.
enum Planned {
    Postgres(Postgres),
    Redis(Redis),
    RabbitMq(RabbitMq),
    S3(S3),
}

impl Planned {
    fn plan(
        kind: ServiceKind,
        ctx: &Ctx,
        ports: &mut PortPool,
        rabbit_management: bool,
    ) -> Result<Planned> {
        Ok(match kind {
            ServiceKind::Postgres => Planned::Postgres(Postgres::plan(ctx, ports)?),
            ServiceKind::Redis => Planned::Redis(Redis::plan(ctx, ports)?),
            ServiceKind::RabbitMq => {
                let node = RabbitMq::plan(ctx, ports)?;
                Planned::RabbitMq(if rabbit_management {
                    node
                } else {
                    node.without_management()
                })
            }
            ServiceKind::S3 => Planned::S3(S3::plan(ctx, ports)?),
        })
    }

    fn kind(&self) -> ServiceKind {
        match self {
            Planned::Postgres(_) => ServiceKind::Postgres,
            Planned::Redis(_) => ServiceKind::Redis,
            Planned::RabbitMq(_) => ServiceKind::RabbitMq,
            Planned::S3(_) => ServiceKind::S3,
        }
    }

    fn start(&self, ctx: &Ctx) -> Result<Vec<(String, String)>> {
        match self {
            Planned::Postgres(s) => s.start(ctx),
            Planned::Redis(s) => s.start(ctx),
            Planned::RabbitMq(s) => s.start(ctx),
            Planned::S3(s) => s.start(ctx),
        }
    }

    fn down_sh(&self, ctx: &Ctx) -> Result<String> {
        Ok(match self {
            Planned::Postgres(s) => s.down_sh(ctx)?,
            Planned::Redis(s) => s.down_sh(),
            Planned::RabbitMq(s) => s.down_sh(),
            Planned::S3(s) => s.down_sh(),
        })
    }

    fn log_files(&self, ctx: &Ctx) -> Vec<PathBuf> {
        match self {
            Planned::Postgres(s) => s.log_files(ctx),
            Planned::Redis(s) => s.log_files(ctx),
            Planned::RabbitMq(s) => s.log_files(ctx),
            Planned::S3(s) => s.log_files(ctx),
        }
    }
}

/// Subdirectories a start creates; leftovers from an interrupted start are removed first.
const SERVICE_SUBDIRS: [&str; 4] = ["pg", "redis", "rabbitmq", "s3"];

/// Starts `kinds` on free loopback ports under `dir` (created; must not already hold running
/// services). Writes `dir/down.sh` before anything starts and `dir/env` once everything answers.
/// Independent services start concurrently, so RabbitMQ's ~5 s boot overlaps the rest.
///
/// On failure everything this call started is stopped (and `dir` removed) and the error carries the
/// last lines of the failing service's logs.
pub fn start(dir: &Path, kinds: &[ServiceKind]) -> Result<ServiceEnv> {
    start_planned(dir, kinds, true).map(|(_, _, env)| env)
}

/// Starts one RabbitMQ node under `dir` as [`start`] does but without the management plugin, and
/// keeps its handle, so the caller can run `rabbitmqctl` against it later (a test's own broker it
/// stops and starts).
pub(crate) fn start_rabbitmq(dir: &Path) -> Result<(Ctx, RabbitMq, ServiceEnv)> {
    let (ctx, planned, env) = start_planned(dir, &[ServiceKind::RabbitMq], false)?;
    match planned.into_iter().next() {
        Some(Planned::RabbitMq(node)) => Ok((ctx, node, env)),
        _ => bail!("planning RabbitMQ alone planned something else"),
    }
}

/// [`start`], returning what was planned too; `rabbit_management` enables RabbitMQ's management
/// plugin.
fn start_planned(
    dir: &Path,
    kinds: &[ServiceKind],
    rabbit_management: bool,
) -> Result<(Ctx, Vec<Planned>, ServiceEnv)> {
    let started = Instant::now();
    if dir.join("env").exists() {
        bail!(
            "services already running in {}; run `cargo xtask services down` first",
            dir.display()
        );
    }
    if dir.join("down.sh").exists() {
        eprintln!(
            "services: {} holds a down.sh but no env (an interrupted start?); stopping what it describes first",
            dir.display()
        );
        stop(dir)?;
    }
    let ctx = prepare_dir(dir)?;
    let kinds: Vec<ServiceKind> = ServiceKind::ALL
        .into_iter()
        .filter(|k| kinds.contains(k))
        .collect();
    if ctx.root
        && kinds
            .iter()
            .any(|k| matches!(k, ServiceKind::Postgres | ServiceKind::RabbitMq))
    {
        check_traversable(&ctx.dir)?;
    }

    let mut ports = PortPool::default();
    let planned = match kinds
        .iter()
        .map(|k| Planned::plan(*k, &ctx, &mut ports, rabbit_management))
        .collect::<Result<Vec<_>>>()
    {
        Ok(planned) => planned,
        Err(e) => {
            // Nothing started yet; drop the directory we may just have created (only if empty).
            let _ = std::fs::remove_dir(&ctx.dir);
            return Err(e);
        }
    };
    let sections = planned
        .iter()
        .map(|p| p.down_sh(&ctx))
        .collect::<Result<Vec<_>>>()?;
    down::write(&ctx.dir, &down::script(&ctx.dir, &sections)?)?;

    let results: Vec<Result<Vec<(String, String)>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = planned
            .iter()
            .map(|p| {
                let ctx = &ctx;
                scope.spawn(move || {
                    let t = Instant::now();
                    let vars = p.start(ctx)?;
                    eprintln!(
                        "services: {} ready in {:.2} s",
                        p.kind(),
                        t.elapsed().as_secs_f64()
                    );
                    Ok(vars)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow!("the start thread panicked")))
            })
            .collect()
    });

    let mut env = ServiceEnv::default();
    let mut failures = Vec::new();
    for (p, result) in planned.iter().zip(results) {
        match result {
            Ok(vars) => env.vars.extend(vars),
            Err(e) => failures.push(failure_report(p, &ctx, &e)),
        }
    }
    if !failures.is_empty() {
        let cleanup = match stop(&ctx.dir) {
            Ok(()) => format!(
                "everything this attempt started has been stopped and {} removed",
                ctx.dir.display()
            ),
            Err(e) => format!(
                "stopping the rest failed too ({e:#}); run `sh {}/down.sh` or `cargo xtask services down`",
                ctx.dir.display()
            ),
        };
        bail!(
            "{}\n{cleanup}; fix the cause above and run `cargo xtask services up` again",
            failures.join("\n")
        );
    }
    if let Err(e) = write_env(&ctx.dir, &env) {
        let _ = stop(&ctx.dir);
        return Err(e.context("the services were stopped again"));
    }
    eprintln!(
        "services: {} up in {:.2} s (state in {})",
        kinds
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(", "),
        started.elapsed().as_secs_f64(),
        ctx.dir.display()
    );
    Ok((ctx, planned, env))
}

/// "X failed to start: why" plus the last 20 lines of each of its non-empty logs.
fn failure_report(p: &Planned, ctx: &Ctx, err: &anyhow::Error) -> String {
    let mut report = format!("{} failed to start: {err:#}", p.kind());
    for log in p.log_files(ctx) {
        let t = tail(&log, 20);
        if !t.trim().is_empty() {
            report.push_str(&format!(
                "\n--- last lines of {} ---\n{t}\n---",
                log.display()
            ));
        }
    }
    report
}

/// Creates `dir` (mode 0755 so the `postgres`/`rabbitmq` users can enter it), clears leftovers.
fn prepare_dir(dir: &Path) -> Result<Ctx> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create state directory {}", dir.display()))?;
    let dir = dir
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", dir.display()))?;
    let text = super::process::path_str(&dir)?;
    if text
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "'\"\\$`".contains(c))
    {
        bail!(
            "state directory {} contains spaces, quotes or other shell-special characters, which \
             redis and pg_ctl cannot take; choose a plainer path",
            dir.display()
        );
    }
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot chmod {}", dir.display()))?;
    for sub in SERVICE_SUBDIRS {
        let p = dir.join(sub);
        if p.exists() {
            std::fs::remove_dir_all(&p)
                .with_context(|| format!("cannot remove leftover {}", p.display()))?;
        }
    }
    let _ = std::fs::remove_file(dir.join(".env.tmp"));
    Ok(Ctx {
        dir,
        root: is_root(),
    })
}

/// As root, Postgres and RabbitMQ run as their own users, who must be able to reach `dir`.
fn check_traversable(dir: &Path) -> Result<()> {
    for ancestor in dir.ancestors().skip(1) {
        let mode = std::fs::metadata(ancestor)
            .with_context(|| format!("cannot stat {}", ancestor.display()))?
            .permissions()
            .mode();
        if mode & 0o001 == 0 {
            bail!(
                "{} (mode {:o}) is not searchable by other users, so the `postgres` and `rabbitmq` users \
                 cannot reach {}; use a state directory elsewhere (e.g. under /tmp) or `chmod o+x {}`",
                ancestor.display(),
                mode & 0o7777,
                dir.display(),
                ancestor.display()
            );
        }
    }
    Ok(())
}

/// Stops whatever `dir/down.sh` describes, which also removes `dir`. A missing `dir` is fine.
/// Bounded: RabbitMQ gets SIGKILL, Postgres `pg_ctl -m immediate`; the script waits at most ~7 s
/// for processes to go (usually well under a second).
pub fn stop(dir: &Path) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    let script = dir.join("down.sh");
    if !script.exists() {
        // Nothing we know how to stop; only tidy an empty directory, never delete unknown content.
        if std::fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false)
        {
            std::fs::remove_dir(dir).with_context(|| format!("cannot remove {}", dir.display()))?;
        }
        return Ok(());
    }
    let out = Command::new("sh")
        .arg(&script)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run sh {}", script.display()))?;
    if !out.status.success() {
        bail!(
            "sh {} failed ({}): {}{}",
            script.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim(),
            String::from_utf8_lossy(&out.stdout).trim()
        );
    }
    if dir.exists() {
        bail!(
            "{} still exists after down.sh ran; check for processes still using it (`ls -l /proc/*/cwd`), \
             then remove it by hand",
            dir.display()
        );
    }
    Ok(())
}

/// One entry per service found in `dir/env`: kind, whether its port accepts a TCP connection now,
/// and its URL.
pub fn status(dir: &Path) -> Result<Vec<ServiceStatus>> {
    let env = read_env(dir)?;
    Ok(ServiceKind::ALL
        .into_iter()
        .filter_map(|kind| {
            let url = env.get(kind.url_var())?.to_owned();
            let up = url_port(&url).is_some_and(port_open);
            Some(ServiceStatus { kind, up, url })
        })
        .collect())
}
