//! `cargo xtask bench login`: the bounded Argon2 pool under a login flood.
//!
//! 1. Raw Argon2 verify rate with N threads in this process (N = the API's permits).
//! 2. Login throughput through the real API (release build) with N permits: target ≥ 0.9× raw.
//! 3. `GET /v1/auth/me` throughput idle, then while logins saturate the pool: target ≥ 0.6×.
//! 4. The API's peak RSS during the flood.

use super::harness::{
    Api, BenchServices, build_release_api, ensure_wrk, finish_wrk, script, spawn_wrk,
};
use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const PASSWORD: &str = "BenchPassw0rd";
/// The API's default `PASSWORD_HASH_QUEUE`.
const HASH_QUEUE: u32 = 16;

fn raw_verify_rate(threads: usize, seconds: u64) -> Result<f64> {
    let hash = ciel_app::password::hash_password(PASSWORD)?;
    let stop = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (stop, count, hash) = (stop.clone(), count.clone(), hash.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    assert!(ciel_app::password::verify_password(PASSWORD, &hash));
                    count.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        let _ = h.join();
    }
    Ok(count.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64())
}

fn rss_kib(pid_of: &str) -> Option<u64> {
    let pid = std::process::Command::new("pgrep")
        .args(["-n", "-f", pid_of])
        .output()
        .ok()?;
    let pid = String::from_utf8_lossy(&pid.stdout).trim().to_owned();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

/// Runs the bench.
pub fn run(args: &[&str]) -> Result<()> {
    let seconds: u64 = match args {
        [] => 10,
        ["--seconds", n] => n.parse().context("--seconds takes a whole number")?,
        _ => bail!("usage: cargo xtask bench login [--seconds N]"),
    };
    ensure_wrk()?;
    let binary = build_release_api()?;
    let services = BenchServices::start()?;
    let rt = tokio::runtime::Runtime::new()?;
    let database_url = services
        .env
        .get("DATABASE_URL")
        .context("DATABASE_URL")?
        .to_owned();
    rt.block_on(ciel_storage::run_pending(&database_url))?;

    let permits = ciel_app::password_pool::PasswordPool::default_permits();
    let admin = "bench-admin-token-0123456789abcdef";
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
        ("ADMIN_TOKEN", admin),
        ("RUST_LOG", "error"),
        // This bench measures the hashing pool; the per-IP login limit (10/h) would otherwise
        // refuse all but ten requests from the one load-generating address.
        ("RATE_LIMIT_ENABLED", "false"),
    ] {
        env.insert(k.into(), v.into());
    }
    env.insert("PASSWORD_HASH_CONCURRENCY".into(), permits.to_string());
    let api = Api::start(&binary, &env)?;

    // A user to log in as, and a token for the read endpoint.
    let curl = |args: &[&str]| -> Result<String> {
        let out = std::process::Command::new("curl")
            .args(["-s"])
            .args(args)
            .output()?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let invite: serde_json::Value = serde_json::from_str(&curl(&[
        "-X",
        "POST",
        "-H",
        &format!("x-admin-token: {admin}"),
        &format!("{}/v1/admin/invites", api.base),
    ])?)?;
    let code = invite["code"].as_str().context("admin invite")?;
    let signup = serde_json::json!({
        "handle": "bench", "email": "bench@example.com", "display_name": "Bench",
        "password": PASSWORD, "invite_code": code,
    });
    curl(&[
        "-X",
        "POST",
        "-H",
        "content-type: application/json",
        "-d",
        &signup.to_string(),
        &format!("{}/v1/users", api.base),
    ])?;
    let login_body =
        serde_json::json!({"email": "bench@example.com", "password": PASSWORD}).to_string();
    let pair: serde_json::Value = serde_json::from_str(&curl(&[
        "-X",
        "POST",
        "-H",
        "content-type: application/json",
        "-d",
        &login_body,
        &format!("{}/v1/auth/login", api.base),
    ])?)?;
    let token = pair["access_token"]
        .as_str()
        .context("login failed before the bench")?;

    let login_lua = script(
        "login.lua",
        &format!(
            "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = '{login_body}'\n"
        ),
    )?;
    let me_lua = script(
        "me.lua",
        &format!("wrk.headers[\"Authorization\"] = \"Bearer {token}\"\n"),
    )?;
    let login_url = format!("{}/v1/auth/login", api.base);
    let me_url = format!("{}/v1/auth/me", api.base);

    eprintln!("bench 1/5: raw Argon2 verify rate, {permits} thread(s), {seconds} s …");
    let raw = raw_verify_rate(permits, seconds)?;
    eprintln!("bench 2/5: login throughput through the API, {seconds} s …");
    let login = finish_wrk(
        spawn_wrk(
            1,
            // Enough connections that a login always waits for the hashing thread(s).
            permits as u32 + 3,
            seconds,
            &login_url,
            &login_lua,
        )?,
        seconds,
    )?;
    eprintln!("bench 3/5: GET /v1/auth/me idle, {seconds} s …");
    let idle = finish_wrk(spawn_wrk(1, 16, seconds, &me_url, &me_lua)?, seconds)?;
    // A login storm keeps every hashing thread busy and the queue full: permits + queue
    // connections. (With more, the extra requests are refused with 503 at once, and the test
    // measures how fast we refuse rather than what hashing takes from other routes; that storm
    // is reported too.)
    let saturating = permits as u32 + HASH_QUEUE;
    eprintln!(
        "bench 4/5: GET /v1/auth/me while {saturating} connections of logins saturate the pool, {seconds} s …"
    );
    let flood = spawn_wrk(1, saturating, seconds, &login_url, &login_lua)?;
    std::thread::sleep(Duration::from_millis(500));
    let busy = finish_wrk(spawn_wrk(1, 16, seconds, &me_url, &me_lua)?, seconds)?;
    let flood = finish_wrk(flood, seconds)?;
    eprintln!(
        "bench 5/5: GET /v1/auth/me during a 64-connection login storm (most refused), {seconds} s …"
    );
    let storm = spawn_wrk(1, 64, seconds, &login_url, &login_lua)?;
    std::thread::sleep(Duration::from_millis(500));
    let stormy = finish_wrk(spawn_wrk(1, 16, seconds, &me_url, &me_lua)?, seconds)?;
    let storm = finish_wrk(storm, seconds)?;
    let rss_mib = rss_kib("target/release/ciel-api").map(|k| k as f64 / 1024.0);

    let login_ratio = login.ok_per_sec / raw;
    let read_ratio = busy.ok_per_sec / idle.ok_per_sec;
    let storm_ratio = stormy.ok_per_sec / idle.ok_per_sec;
    println!();
    println!(
        "bench login ({seconds} s per phase, {permits} hashing permit(s), release build, IP limits off)"
    );
    println!("  raw Argon2 verify rate        {raw:>9.1} /s");
    println!(
        "  API logins (200s)             {:>9.1} /s   p99 {:>7.1} ms   ratio {login_ratio:.2}× raw (target ≥ 0.90)",
        login.ok_per_sec, login.p99_ms
    );
    println!(
        "  GET /v1/auth/me idle          {:>9.1} /s   p99 {:>7.1} ms",
        idle.ok_per_sec, idle.p99_ms
    );
    println!(
        "  GET /v1/auth/me, pool busy     {:>9.1} /s   p99 {:>7.1} ms   ratio {read_ratio:.2}× idle (target ≥ 0.60)",
        busy.ok_per_sec, busy.p99_ms
    );
    println!(
        "  saturating logins             {:>9.1} /s ok, {:.1} /s refused with 503",
        flood.ok_per_sec,
        flood.total_per_sec - flood.ok_per_sec
    );
    println!(
        "  GET /v1/auth/me in a storm    {:>9.1} /s   p99 {:>7.1} ms   ratio {storm_ratio:.2}× idle (64-connection storm: {:.1} ok/s, {:.1} refused/s)",
        stormy.ok_per_sec,
        stormy.p99_ms,
        storm.ok_per_sec,
        storm.total_per_sec - storm.ok_per_sec
    );
    if let Some(rss) = rss_mib {
        println!("  ciel-api peak RSS             {rss:>9.1} MiB (target ≤ 256)");
    }
    let pass = login_ratio >= 0.9 && read_ratio >= 0.6 && rss_mib.is_none_or(|r| r <= 256.0);
    println!(
        "  result                        {}",
        if pass {
            "targets met"
        } else {
            "TARGETS MISSED"
        }
    );
    drop(api);
    drop(services);
    Ok(())
}
