//! Extra steps of `cargo xtask test`: the docs build warning-free, the dev run with Postgres
//! alone passes its end-to-end check, and the public API of the reusable crates stays
//! semver-compatible with the latest release (`cargo xtask semver` runs that step alone).

use anyhow::{Context, Result};
use std::process::Command;

/// The crates other teams reuse, whose public API is semver-checked.
pub const REUSED_CRATES: [&str; 2] = ["ciel-domain", "ciel-app"];

/// `cargo doc --no-deps --workspace` with `RUSTDOCFLAGS=-D warnings` (broken links, missing
/// docs where denied, bad code blocks).
pub fn docs() -> Result<bool> {
    eprintln!("xtask test: RUSTDOCFLAGS='-D warnings' cargo doc --no-deps --workspace");
    let status = Command::new(env!("CARGO"))
        .args(["doc", "--no-deps", "--workspace"])
        .env("RUSTDOCFLAGS", "-D warnings")
        .current_dir(crate::root())
        .status()?;
    Ok(status.success())
}

/// `cargo xtask dev --without redis,rabbitmq,s3 --check` on a free port, with none of the test
/// services' variables: its own throwaway Postgres and nothing else, seeded, signed in, feed
/// read, a photo uploaded and processed, stopped.
pub fn dev_with_postgres_only() -> Result<bool> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    eprintln!("xtask test: cargo xtask dev --without redis,rabbitmq,s3 --check (port {port})");
    let mut cmd = Command::new(std::env::current_exe()?);
    cmd.args(["dev", "--without", "redis,rabbitmq,s3", "--check"])
        .env("HTTP_ADDR", format!("127.0.0.1:{port}"))
        .env("CIEL_DEV_DIR", crate::root().join("target/ciel-dev-check"))
        .current_dir(crate::root());
    for var in [
        "DATABASE_URL",
        "DATABASE_ADMIN_URL",
        "REDIS_URL",
        "AMQP_URL",
        "S3_ENDPOINT",
    ] {
        cmd.env_remove(var);
    }
    Ok(cmd.status()?.success())
}

/// The newest `v*` tag, if any.
fn latest_release_tag() -> Result<Option<String>> {
    let out = Command::new("git")
        .args(["tag", "--list", "v*", "--sort=-v:refname"])
        .current_dir(crate::root())
        .output()
        .context("running git tag")?;
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .map(str::to_owned))
}

/// Semver check of [`REUSED_CRATES`] against the latest `v*` tag with cargo-semver-checks
/// (installed from crates.io when missing); skipped, successfully, while no release is tagged.
pub fn semver() -> Result<bool> {
    let Some(tag) = latest_release_tag()? else {
        eprintln!("xtask test: semver: no release yet (no v* tag); skipping the API check");
        return Ok(true);
    };
    let installed = Command::new(env!("CARGO"))
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        eprintln!("xtask test: semver: installing cargo-semver-checks from crates.io …");
        let status = Command::new(env!("CARGO"))
            .args(["install", "cargo-semver-checks", "--locked"])
            .current_dir(std::env::temp_dir())
            .status()?;
        if !status.success() {
            eprintln!("xtask test: semver: `cargo install cargo-semver-checks --locked` failed");
            return Ok(false);
        }
    }
    eprintln!(
        "xtask test: cargo semver-checks check-release {} --baseline-rev {tag}",
        REUSED_CRATES.map(|c| format!("-p {c}")).join(" ")
    );
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(["semver-checks", "check-release", "--baseline-rev", &tag])
        .current_dir(crate::root());
    for krate in REUSED_CRATES {
        cmd.args(["-p", krate]);
    }
    Ok(cmd.status()?.success())
}
