//! `cargo xtask fuzz-api`: property-based fuzzing of the live API against its own OpenAPI
//! document. Installs schemathesis (pinned, from PyPI) into a venv under `target/fuzz-api/`,
//! starts throwaway services, migrates and seeds them, runs `ciel-api` (combined mode, rate
//! limits off through `RATE_LIMIT_ENABLED=false` so the fuzzer is never throttled), logs in as
//! a seeded user, and runs bounded examples of every operation with four checks: no server
//! error, status codes the document lists, content types it lists, bodies matching its
//! schemas. `DELETE /v1/account` runs last, alone (it ends the user the other runs act as).
//! Prints a summary; non-zero exit on any failure. The API's log is `target/fuzz-api/api.log`.

use anyhow::{Context, Result, bail};
use ciel_testkit::services::{self, ServiceKind};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The schemathesis release the run is pinned to.
const SCHEMATHESIS: &str = "4.32.5";

/// The checks every response goes through.
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
                      response_schema_conformance";

/// The operation that deletes the caller: run after everything else.
const LAST_OPERATION: &str = "delete_account";

struct Options {
    max_examples: u32,
    seed: u64,
}

fn parse(args: &[&str]) -> Result<Options> {
    let mut opts = Options {
        max_examples: 25,
        seed: 20_261_201,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .copied()
                .with_context(|| format!("{arg} needs a value"))
        };
        match *arg {
            "--max-examples" => opts.max_examples = value()?.parse()?,
            "--seed" => opts.seed = value()?.parse()?,
            other => bail!(
                "unknown option {other:?}; usage: cargo xtask fuzz-api [--max-examples N] [--seed N]"
            ),
        }
    }
    Ok(opts)
}

/// Runs the fuzz run.
pub fn run(args: &[&str]) -> Result<()> {
    let opts = parse(args)?;
    let started = Instant::now();
    let work = crate::root().join("target/fuzz-api");
    std::fs::create_dir_all(&work)?;
    let schemathesis = ensure_schemathesis(&work)?;

    let services = FuzzServices::start(&work)?;
    let database_url = services
        .env
        .vars
        .get("DATABASE_URL")
        .cloned()
        .context("no DATABASE_URL from the services")?;
    let world = crate::runtime()?.block_on(async {
        ciel_storage::run_pending(&database_url)
            .await
            .context("migrating the fuzz database")?;
        crate::seed::seed(&database_url).await
    })?;
    let (_, handle) = world.users.first().cloned().context("no seeded user")?;

    let binary = build_api()?;
    let admin_token = random_hex(24);
    let log = work.join("api.log");
    let api = ApiProcess::start(&binary, &api_env(&services, &admin_token), &log)?;
    let token = login(
        &api.addr,
        &format!("{handle}@demo.ciel.local"),
        crate::seed::DEMO_PASSWORD,
    )?;
    eprintln!("fuzz-api: API on http://{}, acting as {handle}", api.addr);

    let headers = [
        format!("Authorization: Bearer {token}"),
        format!("x-admin-token: {admin_token}"),
    ];
    let runs = [
        (
            "every operation but delete_account",
            "--exclude-operation-id",
        ),
        (
            "delete_account (last: it ends the user)",
            "--include-operation-id",
        ),
    ];
    let mut outcomes = Vec::new();
    for (name, filter) in runs {
        eprintln!("\nfuzz-api: schemathesis run: {name}");
        let ok = Command::new(&schemathesis)
            .current_dir(&work)
            .args(["run", &format!("http://{}/openapi.json", api.addr)])
            .args(["--checks", CHECKS])
            .args(["--phases", "examples,coverage,fuzzing"])
            .args(["--max-examples", &opts.max_examples.to_string()])
            .args(["--seed", &opts.seed.to_string()])
            // One worker: with two, Hypothesis sometimes crashes inside `ast.parse` (not thread-safe
            // on CPython 3.11), reported as a schemathesis runtime error.
            .args(["--workers", "1", "--request-timeout", "15"])
            .args(["--generation-database", "none", "--no-color"])
            .args(["--generation-with-security-parameters", "false"])
            .args([filter, LAST_OPERATION])
            .args(headers.iter().flat_map(|h| ["-H", h.as_str()]))
            .status()
            .context("running schemathesis")?
            .success();
        outcomes.push((name, ok));
    }
    drop(api);
    drop(services);

    let errors = server_errors(&log)?;
    eprintln!(
        "\nfuzz-api summary ({:.0} s, --max-examples {} --seed {}):",
        started.elapsed().as_secs_f64(),
        opts.max_examples,
        opts.seed
    );
    for (name, ok) in &outcomes {
        eprintln!("  {:<44} {}", name, if *ok { "ok" } else { "FAILED" });
    }
    eprintln!(
        "  {:<44} {} (log: {})",
        "ERROR lines in the API log",
        errors.len(),
        log.display()
    );
    for line in errors.iter().take(10) {
        eprintln!("    {line}");
    }
    if outcomes.iter().all(|(_, ok)| *ok) {
        Ok(())
    } else {
        bail!("the API does not conform to its OpenAPI document (see schemathesis' report above)")
    }
}

/// The venv's `schemathesis`, installed from PyPI when missing or of another version.
fn ensure_schemathesis(work: &Path) -> Result<PathBuf> {
    let venv = work.join("venv");
    let bin = venv.join("bin/schemathesis");
    let installed = Command::new(&bin)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains(SCHEMATHESIS))
        .unwrap_or(false);
    if installed {
        return Ok(bin);
    }
    if !venv.join("bin/pip").exists() {
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !made {
            eprintln!("fuzz-api: installing python3-venv with apt-get …");
            let apt = Command::new("sh")
                .args([
                    "-c",
                    "apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
                     apt-get install -y -qq python3 python3-venv python3-pip",
                ])
                .status()?
                .success();
            let retried = apt
                && Command::new("python3")
                    .args(["-m", "venv", "--clear"])
                    .arg(&venv)
                    .status()?
                    .success();
            if !retried {
                bail!("could not create a Python venv; install python3-venv and rerun");
            }
        }
    }
    eprintln!("fuzz-api: installing schemathesis {SCHEMATHESIS} from PyPI …");
    let ok = Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check"])
        .arg(format!("schemathesis=={SCHEMATHESIS}"))
        .status()?
        .success();
    if !ok {
        bail!("pip could not install schemathesis=={SCHEMATHESIS}");
    }
    Ok(bin)
}

/// Postgres, Redis, RabbitMQ and S3 under `target/fuzz-api/services-<pid>`, stopped on drop.
struct FuzzServices {
    dir: PathBuf,
    env: services::ServiceEnv,
}

impl FuzzServices {
    fn start(work: &Path) -> Result<Self> {
        let dir = work.join(format!("services-{}", std::process::id()));
        services::ensure_installed(&ServiceKind::ALL, &crate::root().join("target"))?;
        services::spawn_watchdog(&dir, std::process::id())?;
        let env = services::start(&dir, &ServiceKind::ALL)?;
        Ok(Self { dir, env })
    }
}

impl Drop for FuzzServices {
    fn drop(&mut self) {
        let _ = services::stop(&self.dir);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn random_hex(bytes: usize) -> String {
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

fn random_key() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    base64::engine::general_purpose::STANDARD.encode(key)
}

/// The API's environment: the services, fresh keys, limits off (the fuzzer sends far more
/// requests per IP and user than the contract's tables allow).
fn api_env(services: &FuzzServices, admin_token: &str) -> BTreeMap<String, String> {
    let mut env = services.env.vars.clone();
    for (k, v) in [
        ("APP_MODE", "combined".to_owned()),
        ("PASETO_ACCESS_KEY", random_key()),
        ("PASETO_REFRESH_KEY", random_key()),
        ("ADMIN_TOKEN", admin_token.to_owned()),
        ("RATE_LIMIT_ENABLED", "false".to_owned()),
        ("RUST_LOG", "warn".to_owned()),
        ("LOG_FORMAT", "json".to_owned()),
    ] {
        env.insert(k.to_owned(), v);
    }
    env
}

/// Builds the debug `ciel-api` (shares the build of the tests).
fn build_api() -> Result<PathBuf> {
    eprintln!("fuzz-api: building ciel-api …");
    let ok = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "-p", "ciel-api"])
        .current_dir(crate::root())
        .status()?
        .success();
    if !ok {
        bail!("building ciel-api failed (see above)");
    }
    Ok(crate::root().join("target/debug/ciel-api"))
}

/// A running `ciel-api`, its output in a log file; killed on drop.
struct ApiProcess {
    child: Child,
    addr: String,
}

impl ApiProcess {
    fn start(binary: &Path, env: &BTreeMap<String, String>, log: &Path) -> Result<Self> {
        let addr = format!("127.0.0.1:{}", ciel_testkit::process::free_port());
        let out = std::fs::File::create(log)?;
        let child = Command::new(binary)
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .envs(env)
            .env("HTTP_ADDR", &addr)
            .stdout(Stdio::from(out.try_clone()?))
            .stderr(Stdio::from(out))
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let api = Self { child, addr };
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if matches!(http(&api.addr, "GET", "/ready", None), Ok((200, _))) {
                return Ok(api);
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        bail!(
            "ciel-api did not become ready within 60 s (log: {})",
            log.display()
        )
    }
}

impl Drop for ApiProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request on a fresh connection: `(status, body)`.
fn http(addr: &str, method: &str, path: &str, json: Option<&str>) -> Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let body = json.unwrap_or("");
    let content_type = if json.is_some() {
        "Content-Type: application/json\r\n"
    } else {
        ""
    };
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{content_type}\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut raw = String::new();
    stream.read_to_string(&mut raw)?;
    let status = raw
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("not an HTTP response: {raw:?}"))?;
    let body = raw
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

/// Logs in and returns the access token.
fn login(addr: &str, email: &str, password: &str) -> Result<String> {
    let body = serde_json::json!({"email": email, "password": password}).to_string();
    let (status, text) = http(addr, "POST", "/v1/auth/login", Some(&body))?;
    if status != 200 {
        bail!("login as {email} answered {status}: {text}");
    }
    let pair: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("login body is not JSON: {text:?}"))?;
    pair["access_token"]
        .as_str()
        .map(str::to_owned)
        .context("no access_token in the login answer")
}

/// The API log's ERROR lines, less actix's own reports of requests it could not even parse
/// (the fuzzer sends NUL bytes in headers; actix answers 400 and logs them as errors).
fn server_errors(log: &Path) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    Ok(text
        .lines()
        .filter(|l| l.contains("\"level\":\"ERROR\"") || l.contains(" ERROR "))
        .filter(|l| !l.contains("request parse error"))
        .map(str::to_owned)
        .collect())
}
