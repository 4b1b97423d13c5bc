//! `cargo xtask`: the project's own commands — services, migrate, codegen, seed, dev, test, tidy,
//! dlq, deploy-check, openapi, fuzz-api, bench, soak.

// The task runner reads and sets environment variables and prints for people: that is its job.
#![allow(clippy::disallowed_methods, clippy::print_stdout)]

mod bench;
mod codegen;
mod demo_content;
mod demo_photos;
mod deploy_check;
mod dev;
mod dev_check;
mod dev_plan;
mod dlq;
mod fuzz_api;
mod migrate;
mod openapi_cmd;
mod seed;
mod services_cmd;
mod soak;
mod test_cmd;
mod test_steps;
mod tidy;

use anyhow::{Result, bail};
use std::path::PathBuf;
use std::process::{Command, ExitCode};

const USAGE: &str = "\
usage: cargo xtask <command>

  dev [--without redis,rabbitmq,s3] [--check]
                           services up (Postgres required; in-process/local stand-ins for what is
                           missing), migrate, seed demo data, run ciel-api (combined) on HTTP_ADDR;
                           --check: sign in, read the feed, upload a photo, then stop
  test [-- <cargo test args>]
                           services up once, the whole workspace's tests, services down
  services up|down|status  throwaway Postgres, Redis, RabbitMQ and s3s-fs under target/ciel-services
  migrate [--revert-all]   apply (or revert) the embedded migrations on DATABASE_URL
  seed                     seed the demo world (users, photos, posts, likes, comments, a story)
  codegen [--check]        regenerate crates/ciel-schema/src/schema.rs from the migrations
  tidy                     check dependency rules and module docs
  deploy-check             validate deploy/: Dockerfile lint, Kubernetes schemas, Terraform HCL,
                           promtool rules and tests, metric names, compose (tools under target/)
  openapi [--check]        write (or check) docs/openapi.json, the OpenAPI document from the code
  fuzz-api [--max-examples N] [--seed N]
                           schemathesis (from PyPI) against the live API and its OpenAPI
                           document: no 5xx, documented statuses, content types and schemas
  semver                   cargo-semver-checks of ciel-domain and ciel-app against the latest v* tag
                           (installs it; skipped while no release is tagged)
  dlq list|replay [--limit N]
                           show (in place) or re-queue dead-lettered media jobs (AMQP_URL,
                           AMQP_MEDIA_QUEUE)
  soak [--minutes N] [--quick] [--seed S]
                           two APIs behind nginx, two workers, a seeded mixed workload, SIGKILLs,
                           a Redis outage and a broker restart, then an audit that nothing
                           acknowledged was lost (not part of `test`; --quick: one minute)
  bench login|feed|ratelimit|profile|media [--seconds N] | media-e2e [--uploads N]
                           login: logins/s at 16 and 32 connections, reads beside them, RSS;
                           feed: home feed first page, hits and misses at 10^5 and 10^6 posts;
                           ratelimit: req/s limits on vs off, decision latency p99;
                           profile: statements and Postgres time per request (pg_stat_statements);
                           media: image pipeline vs vipsthumbnail (installs it), memory per job;
                           media-e2e: complete → completed latency of a 12 MP JPEG (p50/p99)
";

/// A `cargo` command for a nested build, with the environment a shell would have: `cargo run`
/// gives xtask its CARGO_PKG_* / CARGO_MANIFEST_* variables, and build scripts that watch them
/// (ring's) would rebuild half the tree, then again at the next plain `cargo build`.
pub fn nested_cargo() -> Command {
    let mut cargo = Command::new(env!("CARGO"));
    cargo.current_dir(root());
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("CARGO_PKG_")
            || key.starts_with("CARGO_MANIFEST_")
            || matches!(
                &*key,
                "CARGO_CRATE_NAME" | "CARGO_BIN_NAME" | "CARGO_PRIMARY_PACKAGE"
            )
        {
            cargo.env_remove(&*key);
        }
    }
    cargo
}

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("workspace root")
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match dispatch(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

fn dispatch(args: &[String]) -> Result<()> {
    let rest: Vec<&str> = args.iter().skip(1).map(String::as_str).collect();
    match args.first().map(String::as_str) {
        Some("dev") => runtime()?.block_on(dev::run(&rest)),
        Some("test") => test_cmd::run(&rest),
        Some("services") => services_cmd::run(&rest),
        Some("migrate") => runtime()?.block_on(migrate::run(&rest)),
        Some("seed") => runtime()?.block_on(seed::run_cli()),
        Some("codegen") => runtime()?.block_on(migrate::codegen(&rest)),
        Some("tidy") => tidy::run(&root()),
        Some("deploy-check") => deploy_check::run(&rest),
        Some("openapi") => openapi_cmd::run(&rest),
        Some("fuzz-api") => fuzz_api::run(&rest),
        Some("dlq") => runtime()?.block_on(dlq::run(&rest)),
        Some("bench") => bench::run(&rest),
        Some("soak") => soak::run(&rest),
        Some("semver") => {
            if test_steps::semver()? {
                Ok(())
            } else {
                bail!("the public API of ciel-domain/ciel-app broke semver (see above)")
            }
        }
        Some("help" | "--help" | "-h") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => bail!("unknown command {other:?}\n\n{USAGE}"),
    }
}
