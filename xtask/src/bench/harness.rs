//! Bench plumbing: a release `ciel-api` against throwaway Postgres and Redis, and `wrk` runs.

use anyhow::{Context, Result, bail};
use ciel_testkit::services::{self, ServiceEnv, ServiceKind};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Installs `wrk` with apt when it is missing (root only).
pub fn ensure_wrk() -> Result<()> {
    if Command::new("wrk").arg("--version").output().is_ok() {
        return Ok(());
    }
    eprintln!("bench: installing wrk with apt-get …");
    let ok = Command::new("sh")
        .args([
            "-c",
            "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk",
        ])
        .status()?
        .success();
    if !ok {
        bail!("could not install wrk; install it yourself (apt-get install wrk) and rerun");
    }
    Ok(())
}

/// Services for a bench: Postgres and Redis in their own directory, stopped on drop.
pub struct BenchServices {
    /// Where their state and `env` file live.
    pub dir: PathBuf,
    /// Their environment.
    pub env: ServiceEnv,
}

impl BenchServices {
    /// Starts Postgres and Redis under `target/ciel-bench-<pid>`.
    pub fn start() -> Result<Self> {
        Self::start_kinds(&[ServiceKind::Postgres, ServiceKind::Redis])
    }

    /// Starts `kinds` under `target/ciel-bench-<pid>`.
    pub fn start_kinds(kinds: &[ServiceKind]) -> Result<Self> {
        let root = crate::root();
        let dir = root.join(format!("target/ciel-bench-{}", std::process::id()));
        services::ensure_installed(kinds, &root.join("target"))?;
        services::spawn_watchdog(&dir, std::process::id())?;
        let env = services::start(&dir, kinds)?;
        Ok(Self { dir, env })
    }
}

impl Drop for BenchServices {
    fn drop(&mut self) {
        let _ = services::stop(&self.dir);
    }
}

/// Builds `ciel-api` in release mode and returns its path.
pub fn build_release_api() -> Result<PathBuf> {
    eprintln!("bench: building ciel-api (release) …");
    let ok = crate::nested_cargo()
        .args(["build", "--release", "--quiet", "-p", "ciel-api"])
        .status()?
        .success();
    if !ok {
        bail!("building ciel-api --release failed (see above)");
    }
    Ok(crate::root().join("target/release/ciel-api"))
}

/// A running API process, killed on drop.
pub struct Api {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Api {
    /// Starts `binary` with `env` and waits until `/health` answers.
    pub fn start(binary: &Path, env: &BTreeMap<String, String>) -> Result<Self> {
        let port = ciel_testkit::process::free_port();
        let child = Command::new(binary)
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .envs(env)
            // Allocator settings pass through, so their effect can be tried without a rebuild.
            .envs(std::env::vars().filter(|(k, _)| k.starts_with("MIMALLOC_")))
            .env("HTTP_ADDR", format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let api = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(out) = Command::new("curl")
                .args([
                    "-s",
                    "-o",
                    "/dev/null",
                    "-w",
                    "%{http_code}",
                    &format!("{}/health", api.base),
                ])
                .output()
                && out.stdout == b"200"
            {
                return Ok(api);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        bail!("ciel-api did not become healthy within 30 s")
    }
}

impl Drop for Api {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What one `wrk` run measured.
#[derive(Clone, Copy, Debug)]
pub struct WrkResult {
    /// Successful (2xx/3xx) responses per second.
    pub ok_per_sec: f64,
    /// All responses per second.
    pub total_per_sec: f64,
    /// 99th percentile latency in milliseconds.
    pub p99_ms: f64,
}

/// Starts `wrk` with `threads`/`connections` for `seconds` against `url`, with a Lua `script`.
pub fn spawn_wrk(
    threads: u32,
    connections: u32,
    seconds: u64,
    url: &str,
    script: &Path,
) -> Result<Child> {
    Command::new("wrk")
        .args([
            &format!("-t{threads}"),
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "--latency",
            "-s",
        ])
        .arg(script)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running wrk")
}

/// Waits for a `wrk` child and parses its report.
pub fn finish_wrk(child: Child, seconds: u64) -> Result<WrkResult> {
    let out = child.wait_with_output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let total: f64 = text
        .lines()
        .find(|l| l.contains("requests in"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .with_context(|| format!("unexpected wrk output:\n{text}"))?;
    // "Non-2xx or 3xx responses: N"
    let non_2xx = text
        .lines()
        .find(|l| l.trim_start().starts_with("Non-2xx"))
        .and_then(|l| l.split_whitespace().last())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    let p99 = text
        .lines()
        .find(|l| l.trim_start().starts_with("99%"))
        .and_then(|l| l.split_whitespace().nth(1))
        .map(parse_latency_ms)
        .unwrap_or(f64::NAN);
    let secs = seconds as f64;
    Ok(WrkResult {
        ok_per_sec: (total - non_2xx) / secs,
        total_per_sec: total / secs,
        p99_ms: p99,
    })
}

fn parse_latency_ms(v: &str) -> f64 {
    let (num, unit) = v.split_at(v.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(v.len()));
    let n: f64 = num.parse().unwrap_or(f64::NAN);
    match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        "m" => n * 60_000.0,
        _ => f64::NAN,
    }
}

/// Writes a wrk Lua script into the bench directory and returns its path.
pub fn script(name: &str, body: &str) -> Result<PathBuf> {
    let dir = crate::root().join("target/bench-scripts");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(name);
    std::fs::write(&path, body)?;
    Ok(path)
}

/// The environment every bench's API runs with (fixed keys and admin token, closed S3 and AMQP
/// ports: the measured routes touch neither), on top of the services' own variables.
pub fn api_env(services: &BenchServices, overrides: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut env: BTreeMap<String, String> = services.env.vars.clone();
    for (k, v) in [
        ("APP_MODE", "api"),
        ("S3_ENDPOINT", "http://127.0.0.1:9"),
        ("S3_BUCKET", "bench"),
        ("S3_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", "bench"),
        ("AWS_SECRET_ACCESS_KEY", "bench-secret"),
        ("AMQP_URL", "amqp://guest:guest@127.0.0.1:9/%2f"),
        (
            "PASETO_ACCESS_KEY",
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        ),
        (
            "PASETO_REFRESH_KEY",
            "HxwdHhsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=",
        ),
        ("ADMIN_TOKEN", BENCH_ADMIN_TOKEN),
        ("RUST_LOG", "error"),
    ]
    .into_iter()
    .chain(overrides.iter().copied())
    {
        env.insert(k.into(), v.into());
    }
    env
}

/// The admin token bench APIs run with.
pub const BENCH_ADMIN_TOKEN: &str = "bench-admin-token-0123456789abcdef";

/// `curl -s ARGS…`, returning the body.
pub fn curl(args: &[&str]) -> Result<String> {
    let out = Command::new("curl").args(["-s"]).args(args).output()?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Signs `handle` up on `api` with an admin invite and logs in: `(user id, access token)`.
pub fn user(api: &Api, handle: &str, password: &str) -> Result<(String, String)> {
    let invite: serde_json::Value = serde_json::from_str(&curl(&[
        "-X",
        "POST",
        "-H",
        &format!("x-admin-token: {BENCH_ADMIN_TOKEN}"),
        &format!("{}/v1/admin/invites", api.base),
    ])?)?;
    let code = invite["code"].as_str().context("admin invite")?;
    let signup = serde_json::json!({
        "handle": handle, "email": format!("{handle}@example.com"), "display_name": handle,
        "password": password, "invite_code": code,
    });
    let created: serde_json::Value = serde_json::from_str(&curl(&[
        "-X",
        "POST",
        "-H",
        "content-type: application/json",
        "-d",
        &signup.to_string(),
        &format!("{}/v1/users", api.base),
    ])?)?;
    let id = created["id"]
        .as_str()
        .with_context(|| format!("sign-up failed: {created}"))?
        .to_owned();
    let login = serde_json::json!({"email": format!("{handle}@example.com"), "password": password});
    let pair: serde_json::Value = serde_json::from_str(&curl(&[
        "-X",
        "POST",
        "-H",
        "content-type: application/json",
        "-d",
        &login.to_string(),
        &format!("{}/v1/auth/login", api.base),
    ])?)?;
    let token = pair["access_token"]
        .as_str()
        .with_context(|| format!("login failed: {pair}"))?
        .to_owned();
    Ok((id, token))
}
