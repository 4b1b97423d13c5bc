//! `cargo xtask bench profile`: Postgres work per request, from `pg_stat_statements`.
//!
//! For `GET /v1/users/{id}` (a profile read: the account and its counts), `GET /v1/auth/me`
//! with a bearer token (authentication is served from the in-process gate, so only the
//! handler's read remains) and `GET /health` (probe answer reused for 1 s): req/s, statements
//! per request and Postgres time (planning + execution) per request.

use super::harness::{
    Api, BenchServices, api_env, build_release_api, ensure_wrk, finish_wrk, script, spawn_wrk, user,
};
use anyhow::{Context, Result, bail};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Double};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(QueryableByName)]
struct Totals {
    #[diesel(sql_type = BigInt)]
    calls: i64,
    #[diesel(sql_type = Double)]
    ms: f64,
}

const TOTALS: &str = "SELECT coalesce(sum(calls), 0)::bigint AS calls, \
     coalesce(sum(total_exec_time + total_plan_time), 0)::float8 AS ms \
     FROM pg_stat_statements \
     WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) \
       AND query NOT ILIKE '%pg_stat_statements%'";

async fn reset(conn: &mut AsyncPgConnection) -> Result<()> {
    diesel::sql_query("SELECT pg_stat_statements_reset()")
        .execute(conn)
        .await?;
    Ok(())
}

async fn totals(conn: &mut AsyncPgConnection) -> Result<Totals> {
    Ok(diesel::sql_query(TOTALS).get_result(conn).await?)
}

/// Runs the bench.
pub fn run(args: &[&str]) -> Result<()> {
    let seconds: u64 = match args {
        [] => 8,
        ["--seconds", n] => n.parse().context("--seconds takes a whole number")?,
        _ => bail!("usage: cargo xtask bench profile [--seconds N]"),
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
    let mut conn = rt.block_on(ciel_storage::establish(&database_url))?;
    rt.block_on(
        diesel::sql_query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute(&mut conn),
    )
    .context(
        "pg_stat_statements is not loaded: the bench Postgres needs shared_preload_libraries",
    )?;

    let api = Api::start(
        &binary,
        &api_env(&services, &[("RATE_LIMIT_ENABLED", "false")]),
    )?;
    let (id, token) = user(&api, "bench", "BenchPassw0rd")?;
    let plain = script("plain.lua", "")?;
    let bearer = script(
        "bearer.lua",
        &format!("wrk.headers[\"Authorization\"] = \"Bearer {token}\"\n"),
    )?;
    let routes = [
        (
            "GET /v1/users/{id}",
            format!("{}/v1/users/{id}", api.base),
            &plain,
        ),
        (
            "GET /v1/auth/me (bearer)",
            format!("{}/v1/auth/me", api.base),
            &bearer,
        ),
        ("GET /health", format!("{}/health", api.base), &plain),
    ];
    let mut rows = Vec::new();
    for (name, url, lua) in &routes {
        eprintln!("bench profile: {name}, {seconds} s …");
        // Warm up: every pooled connection made and its statements prepared.
        finish_wrk(spawn_wrk(1, 32, 2, url, lua)?, 2)?;
        rt.block_on(reset(&mut conn))?;
        let r = finish_wrk(spawn_wrk(1, 32, seconds, url, lua)?, seconds)?;
        let t = rt.block_on(totals(&mut conn))?;
        let requests = r.total_per_sec * seconds as f64;
        if r.total_per_sec > r.ok_per_sec + 0.5 {
            bail!("{name}: non-2xx responses during the bench ({r:?})");
        }
        rows.push((
            *name,
            r,
            t.calls as f64 / requests,
            t.ms * 1000.0 / requests,
        ));
    }
    println!();
    println!("bench profile ({seconds} s per route, 32 connections, release build, limits off)");
    for (name, r, statements, us) in rows {
        println!(
            "  {name:<26} {:>9.1} req/s   p99 {:>6.2} ms   {statements:>5.2} statements/request   {us:>7.1} µs Postgres/request",
            r.ok_per_sec, r.p99_ms
        );
    }
    drop(api);
    drop(services);
    Ok(())
}
