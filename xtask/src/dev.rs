//! `cargo xtask dev`: the services it can get, migrate, seed, then `ciel-api` in combined mode
//! until Ctrl-C, then services down. Postgres is required; Redis, RabbitMQ and S3 are used when
//! given (`REDIS_URL`, `AMQP_URL`, `S3_ENDPOINT`), installed or installable (as root), and
//! otherwise replaced by the in-process cache, limiter and queue and a local-directory object
//! store (see `dev_plan`), saying exactly what is missing and how to get it.
//!
//! `--without redis,rabbitmq,s3` forces the replacements; `--check` runs the end-to-end client
//! check (`dev_check`) once the API is ready, then stops everything and exits with its result.

use crate::dev_plan::{self, Choice, Facts};
use anyhow::{Context, Result, bail};
use base64::Engine;
use ciel_testkit::services::{self, ServiceKind};
use rand::RngCore;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn random_b64_key() -> String {
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    base64::engine::general_purpose::STANDARD.encode(key)
}

fn random_token() -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The variable whose presence in our environment means "use this one as is".
fn url_var(kind: ServiceKind) -> &'static str {
    match kind {
        ServiceKind::Postgres => "DATABASE_URL",
        ServiceKind::Redis => "REDIS_URL",
        ServiceKind::RabbitMq => "AMQP_URL",
        ServiceKind::S3 => "S3_ENDPOINT",
    }
}

struct Options {
    without: Vec<ServiceKind>,
    check: bool,
}

fn parse_args(args: &[&str]) -> Result<Options> {
    let mut opts = Options {
        without: Vec::new(),
        check: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match *arg {
            "--check" => opts.check = true,
            "--without" => {
                let list = it
                    .next()
                    .context("--without needs a list, e.g. redis,rabbitmq,s3")?;
                opts.without = dev_plan::parse_without(list).map_err(anyhow::Error::msg)?;
            }
            other => bail!(
                "unknown option {other:?}; usage: cargo xtask dev [--without redis,rabbitmq,s3] [--check]"
            ),
        }
    }
    Ok(opts)
}

/// Decides every service and says what was found and what stands in for what is missing.
fn plan(opts: &Options, env: &BTreeMap<String, String>) -> Result<Vec<(ServiceKind, Choice)>> {
    let mut choices = Vec::new();
    for kind in ServiceKind::ALL {
        let facts = Facts {
            url_given: env.get(url_var(kind)).is_some_and(|v| !v.is_empty()),
            installed: services::is_installed(kind),
            installable: services::can_install(kind),
            refused: opts.without.contains(&kind),
        };
        let choice = dev_plan::decide(kind, &facts);
        match &choice {
            Choice::Given => eprintln!("dev: {kind:<8} {} from the environment", url_var(kind)),
            Choice::Start if facts.installed => {
                eprintln!("dev: {kind:<8} throwaway instance under target/ (installed)");
            }
            Choice::Start => eprintln!("dev: {kind:<8} not installed; installing it (root)"),
            Choice::Fallback if facts.refused => eprintln!(
                "dev: {kind:<8} left out (--without); using {}",
                dev_plan::fallback_name(kind)
            ),
            Choice::Fallback => eprintln!(
                "dev: {kind:<8} MISSING (not installed, {} unset, not root so nothing is installed); \
                 using {}.\n              To use the real one: {}",
                url_var(kind),
                dev_plan::fallback_name(kind),
                dev_plan::how_to_get(kind)
            ),
            Choice::Missing => bail!(
                "PostgreSQL is required and was not found: DATABASE_URL is unset, PostgreSQL 15 is \
                 not installed, and we are not root so it cannot be installed.\nTo get it: {}",
                dev_plan::how_to_get(kind)
            ),
        }
        choices.push((kind, choice));
    }
    Ok(choices)
}

/// Starts `kinds` in `dir`, reusing services already running there when they cover them.
fn start_services(dir: &Path, kinds: &[ServiceKind]) -> Result<services::ServiceEnv> {
    if dir.join("env").exists() {
        let statuses = services::status(dir)?;
        let covers = kinds
            .iter()
            .all(|k| statuses.iter().any(|s| s.kind == *k && s.up));
        if covers && statuses.iter().all(|s| s.up) {
            eprintln!("dev: services already running in {}", dir.display());
            return services::read_env(dir);
        }
        eprintln!("dev: restarting the services in {}", dir.display());
        services::stop(dir)?;
    }
    services::ensure_installed(kinds, &crate::root().join("target"))?;
    services::start(dir, kinds)
}

/// The variables that replace an absent service.
fn fallback_vars(kind: ServiceKind, vars: &mut BTreeMap<String, String>) -> Result<()> {
    match kind {
        ServiceKind::Postgres => {}
        ServiceKind::Redis => {
            vars.insert("REDIS_URL".into(), "memory://".into());
        }
        ServiceKind::RabbitMq => {
            if vars.get("APP_MODE").is_some_and(|m| m != "combined") {
                bail!(
                    "without RabbitMQ the dev API must run APP_MODE=combined (the in-process queue is only seen by its own process)"
                );
            }
            vars.insert("AMQP_URL".into(), "memory://".into());
        }
        ServiceKind::S3 => {
            let dir = crate::root().join("target/ciel-dev-objects");
            vars.insert("S3_ENDPOINT".into(), format!("file://{}", dir.display()));
            vars.entry("S3_BUCKET".into())
                .or_insert_with(|| "ciel-media".into());
            vars.remove("S3_PUBLIC_ENDPOINT");
        }
    }
    Ok(())
}

/// Runs the whole system locally.
pub async fn run(args: &[&str]) -> Result<()> {
    let opts = parse_args(args)?;
    let env: BTreeMap<String, String> = std::env::vars().collect();
    let choices = plan(&opts, &env)?;
    let to_start: Vec<ServiceKind> = choices
        .iter()
        .filter(|(_, c)| *c == Choice::Start)
        .map(|(k, _)| *k)
        .collect();
    let dir = crate::services_cmd::dev_dir();
    let (services, choices) = if to_start.is_empty() {
        (services::ServiceEnv::default(), choices)
    } else {
        let started = tokio::task::spawn_blocking({
            let (dir, kinds) = (dir.clone(), to_start.clone());
            move || start_services(&dir, &kinds)
        })
        .await?;
        match started {
            Ok(env) => (env, choices),
            // An optional service that is installed but will not start (e.g. RabbitMQ as a
            // normal user) must not stop the dev run: start Postgres alone, replace the rest.
            Err(e) if to_start.iter().any(|k| *k != ServiceKind::Postgres) => {
                eprintln!(
                    "dev: starting {to_start:?} failed:\n{e:#}\ndev: retrying with Postgres alone"
                );
                let pg_only = to_start.contains(&ServiceKind::Postgres);
                let env = if pg_only {
                    let dir = dir.clone();
                    tokio::task::spawn_blocking(move || {
                        start_services(&dir, &[ServiceKind::Postgres])
                    })
                    .await??
                } else {
                    services::ServiceEnv::default()
                };
                let choices = choices
                    .into_iter()
                    .map(|(k, c)| match c {
                        Choice::Start if k != ServiceKind::Postgres => (k, Choice::Fallback),
                        c => (k, c),
                    })
                    .collect();
                (env, choices)
            }
            Err(e) => return Err(e),
        }
    };

    // Defaults for the API; anything already set in our environment wins, except that a
    // replaced service's variables are the replacement's.
    let mut vars: BTreeMap<String, String> = services.vars.clone();
    let defaults = [
        ("APP_MODE", "combined".to_owned()),
        ("HTTP_ADDR", "127.0.0.1:8080".to_owned()),
        ("PASETO_ACCESS_KEY", random_b64_key()),
        ("PASETO_REFRESH_KEY", random_b64_key()),
        ("ADMIN_TOKEN", random_token()),
        ("LOG_FORMAT", "pretty".to_owned()),
        ("RUST_LOG", "info".to_owned()),
    ];
    for (k, v) in defaults {
        vars.entry(k.to_owned()).or_insert(v);
    }
    vars.extend(env);
    for (kind, choice) in &choices {
        if *choice == Choice::Fallback {
            fallback_vars(*kind, &mut vars)?;
        }
    }
    let result = serve(&opts, &vars).await;
    if !to_start.is_empty() {
        tokio::task::spawn_blocking(move || services::stop(&dir)).await??;
        eprintln!("dev: services stopped");
    }
    result
}

/// Migrates, seeds, builds and runs `ciel-api` with `vars` until Ctrl-C (or the check ends).
async fn serve(opts: &Options, vars: &BTreeMap<String, String>) -> Result<()> {
    let database_url = vars
        .get("DATABASE_URL")
        .cloned()
        .context("no DATABASE_URL")?;
    let report = ciel_storage::run_pending(&database_url)
        .await
        .context("migrating the dev database")?;
    eprintln!("dev: {} migration(s) applied", report.versions.len());
    let addr = vars["HTTP_ADDR"].replace("0.0.0.0", "127.0.0.1");
    let world = crate::seed::seed_all(vars, &format!("http://{addr}")).await?;

    eprintln!("dev: building ciel-api …");
    let built = crate::nested_cargo()
        .args(["build", "--quiet", "-p", "ciel-api"])
        .status()?;
    if !built.success() {
        bail!("building ciel-api failed (see above)");
    }
    let binary = crate::root().join("target/debug/ciel-api");
    let mut child = tokio::process::Command::new(&binary)
        .env_clear()
        .envs(vars)
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;

    let (alice_id, alice) = world.users.first().cloned().context("no demo user")?;
    let email = format!("{alice}@demo.ciel.local");
    println!();
    println!("  Ciel is starting on   http://{addr}   (health: http://{addr}/health)");
    println!(
        "  demo login            {email} / {}   (user id {alice_id})",
        crate::seed::DEMO_PASSWORD
    );
    println!("  admin token           {}", vars["ADMIN_TOKEN"]);
    println!("  admin invite code     {}", world.invite_code);
    println!(
        "  metrics               curl -H 'x-admin-token: {}' http://{addr}/metrics",
        vars["ADMIN_TOKEN"]
    );
    println!(
        "  services env          . {}",
        crate::services_cmd::dev_dir().join("env").display()
    );
    println!("  Ctrl-C stops the API and the services.");
    println!();

    if opts.check {
        let base = format!("http://{addr}");
        let http = reqwest::Client::new();
        let outcome = match crate::dev_check::wait_ready(&http, &base, &mut child).await {
            Ok(()) => crate::dev_check::check(&base, &email, crate::seed::DEMO_PASSWORD).await,
            Err(e) => Err(e),
        };
        stop_child(&mut child).await?;
        outcome?;
        eprintln!("dev check: ok");
        return Ok(());
    }

    // Ctrl-C reaches the API too (same process group); wait for it to finish its graceful stop.
    let status = tokio::select! {
        status = child.wait() => status?,
        _ = tokio::signal::ctrl_c() => {
            eprintln!("dev: stopping …");
            child.wait().await?
        }
    };
    if !status.success() && status.code().is_some() {
        bail!("ciel-api exited with {status}");
    }
    Ok(())
}

/// SIGINT to the API (its graceful stop), then waits for it.
async fn stop_child(child: &mut tokio::process::Child) -> Result<()> {
    if let Some(pid) = child.id() {
        let _ = Command::new("kill")
            .args(["-INT", &pid.to_string()])
            .status();
    }
    let waited = tokio::time::timeout(std::time::Duration::from_secs(30), child.wait()).await;
    if waited.is_err() {
        child.kill().await?;
    }
    Ok(())
}
