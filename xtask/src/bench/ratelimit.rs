//! `cargo xtask bench ratelimit`: what rate limiting costs a cheap limited route.
//!
//! 1. `GET /health` (IP-limited, its probe answer reused for 1 s) through the release API with
//!    limits off, then on (the health limit raised so nothing is refused), alternating twice;
//!    the best run of each is compared: target ≥ 0.85×.
//! 2. The decision itself, one at a time, p50/p99: `RedisLimiter::check` (one Lua script round
//!    trip), the production `FallbackLimiter` (Redis through leased batches, see
//!    `ciel_ratelimit::lease`) on 500 rotating keys and on one hot key, and the in-process
//!    limiter.

use super::harness::{
    Api, BenchServices, api_env, build_release_api, ensure_wrk, finish_wrk, script, spawn_wrk,
};
use anyhow::{Context, Result, bail};
use ciel_domain::ports::{Limit, RateLimiter};
use ciel_domain::ratelimit::Window;
use ciel_ratelimit::{FallbackLimiter, MemoryLimiter, RedisLimiter};
use std::time::Instant;

fn percentile(sorted_us: &[f64], p: f64) -> f64 {
    let i = ((sorted_us.len() as f64 - 1.0) * p).round() as usize;
    sorted_us[i]
}

async fn decision_latency(limiter: &dyn RateLimiter, n: usize, keys: usize) -> (f64, f64) {
    let limits = [
        Limit {
            window: Window::Hour,
            max: 1_000_000,
        },
        Limit {
            window: Window::Day,
            max: 10_000_000,
        },
    ];
    let mut us = Vec::with_capacity(n);
    for i in 0..n {
        let key = format!("ratelimit:bench:{}", i % keys);
        let t = Instant::now();
        let d = limiter.check(&key, &limits).await;
        us.push(t.elapsed().as_secs_f64() * 1e6);
        assert!(d.allowed && !d.fallback, "bench decision refused: {d:?}");
    }
    us.sort_by(f64::total_cmp);
    (percentile(&us, 0.5), percentile(&us, 0.99))
}

/// Runs the bench.
pub fn run(args: &[&str]) -> Result<()> {
    let seconds: u64 = match args {
        [] => 8,
        ["--seconds", n] => n.parse().context("--seconds takes a whole number")?,
        _ => bail!("usage: cargo xtask bench ratelimit [--seconds N]"),
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
    let redis_url = services
        .env
        .get("REDIS_URL")
        .context("REDIS_URL")?
        .to_owned();
    rt.block_on(ciel_storage::run_pending(&database_url))?;

    let off_env = api_env(&services, &[("RATE_LIMIT_ENABLED", "false")]);
    let on_env = api_env(
        &services,
        &[
            ("RATE_LIMIT_ENABLED", "true"),
            // Counted like any other, but never refused: the bench measures the cost.
            ("RATE_LIMIT_OVERRIDES", "health:minute=1000000000"),
        ],
    );
    let health_lua = script("health.lua", "")?;
    let mut best_off = super::harness::WrkResult {
        ok_per_sec: 0.0,
        total_per_sec: 0.0,
        p99_ms: f64::NAN,
    };
    let mut best_on = best_off;
    for round in 1..=2 {
        for (limited, env) in [(false, &off_env), (true, &on_env)] {
            eprintln!(
                "bench ratelimit: round {round}/2, GET /health with limits {}, {seconds} s …",
                if limited { "on" } else { "off" }
            );
            let api = Api::start(&binary, env)?;
            let url = format!("{}/health", api.base);
            // Warm up connections and the probe cache.
            finish_wrk(spawn_wrk(1, 32, 1, &url, &health_lua)?, 1)?;
            let r = finish_wrk(spawn_wrk(1, 32, seconds, &url, &health_lua)?, seconds)?;
            if r.total_per_sec > r.ok_per_sec + 0.5 {
                bail!("limited run had refusals ({r:?}); the override did not apply");
            }
            let best = if limited { &mut best_on } else { &mut best_off };
            if r.ok_per_sec > best.ok_per_sec {
                *best = r;
            }
            drop(api);
        }
    }

    eprintln!("bench ratelimit: decision latency, 5000 decisions each …");
    let memory = MemoryLimiter::new();
    let (redis, leased, leased_hot, mem, trips) = rt.block_on(async {
        // The Redis client needs the runtime to connect.
        let redis = RedisLimiter::connect_lazy(&redis_url, "bench:")
            .map_err(|e| anyhow::anyhow!("rate limiter: {e}"))?;
        let production = FallbackLimiter::new(
            RedisLimiter::connect_lazy(&redis_url, "bench-leased:")
                .map_err(|e| anyhow::anyhow!("rate limiter: {e}"))?,
            MemoryLimiter::new(),
        );
        // Connect and load the script before timing.
        decision_latency(&redis, 50, 500).await;
        decision_latency(&production, 50, 500).await;
        // A few hundred keys, as a busy instance sees; then one hot key.
        let r = decision_latency(&redis, 5000, 500).await;
        let before = production.redis_round_trips();
        let l = decision_latency(&production, 5000, 500).await;
        let lh = decision_latency(&production, 5000, 1).await;
        let trips = production.redis_round_trips() - before;
        let m = decision_latency(&memory, 5000, 500).await;
        anyhow::Ok((r, l, lh, m, trips))
    })?;
    let ((redis_p50, redis_p99), (mem_p50, mem_p99)) = (redis, mem);

    let ratio = best_on.ok_per_sec / best_off.ok_per_sec;
    println!();
    println!(
        "bench ratelimit ({seconds} s per run, best of 2, 32 connections, release build, GET /health)"
    );
    println!(
        "  limits off                    {:>9.1} req/s   p99 {:>6.2} ms",
        best_off.ok_per_sec, best_off.p99_ms
    );
    println!(
        "  limits on (Redis GCRA, leased){:>9.1} req/s   p99 {:>6.2} ms   ratio {ratio:.2}× off (target ≥ 0.85)",
        best_on.ok_per_sec, best_on.p99_ms
    );
    println!("  decision latency, Redis       p50 {redis_p50:>7.1} µs   p99 {redis_p99:>7.1} µs");
    println!(
        "  decision latency, leased      p50 {:>7.1} µs   p99 {:>7.1} µs   (500 keys)",
        leased.0, leased.1
    );
    println!(
        "  decision latency, leased      p50 {:>7.1} µs   p99 {:>7.1} µs   (one hot key; {trips} Redis round trips for both 5000-decision runs)",
        leased_hot.0, leased_hot.1
    );
    println!("  decision latency, in-process  p50 {mem_p50:>7.1} µs   p99 {mem_p99:>7.1} µs");
    println!(
        "  result                        {}",
        if ratio >= 0.85 {
            "target met"
        } else {
            "TARGET MISSED"
        }
    );
    drop(services);
    Ok(())
}
