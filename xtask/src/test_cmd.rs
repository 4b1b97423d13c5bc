//! `cargo xtask test`: services up once, formatting, lints and the whole workspace's tests
//! against the services, the deploy/ checks, services down; non-zero exit on any failure.

use anyhow::{Result, bail};
use ciel_testkit::services::{self, ServiceKind};
use std::process::Command;
use std::time::Instant;

fn cargo(args: &[&str], env: &services::ServiceEnv) -> Result<bool> {
    eprintln!("xtask test: cargo {}", args.join(" "));
    let status = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(crate::root())
        .envs(env.vars.iter())
        .status()?;
    Ok(status.success())
}

/// Runs the suite; extra arguments go to `cargo test` (e.g. `-- --nocapture`).
pub fn run(extra: &[&str]) -> Result<()> {
    let started = Instant::now();
    let dir = crate::root().join(format!("target/ciel-test-services-{}", std::process::id()));
    services::ensure_installed(&ServiceKind::ALL, &crate::root().join("target"))?;
    let up = Instant::now();
    // If this process dies (Ctrl-C, kill), even while services boot, the watchdog stops them.
    services::spawn_watchdog(&dir, std::process::id())?;
    let env = services::start(&dir, &ServiceKind::ALL)?;
    let services_secs = up.elapsed().as_secs_f64();
    eprintln!("xtask test: services up in {services_secs:.1} s");

    let mut steps: Vec<(&str, bool)> = Vec::new();
    let fmt = cargo(&["fmt", "--all", "--", "--check"], &env)?;
    steps.push(("cargo fmt --check", fmt));
    let clippy = cargo(
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &env,
    )?;
    steps.push(("cargo clippy -D warnings", clippy));
    let mut test_args = vec!["test", "--workspace"];
    test_args.extend_from_slice(extra);
    let tests = cargo(&test_args, &env)?;
    steps.push(("cargo test --workspace", tests));
    let deploy = crate::deploy_check::run(&[]).inspect_err(|e| eprintln!("xtask test: {e:#}"));
    steps.push(("cargo xtask deploy-check", deploy.is_ok()));
    steps.push(("cargo doc -D warnings", crate::test_steps::docs()?));
    steps.push((
        "dev with Postgres only",
        crate::test_steps::dev_with_postgres_only()?,
    ));
    steps.push(("semver (latest v* tag)", crate::test_steps::semver()?));

    services::stop(&dir)?;
    eprintln!();
    eprintln!(
        "xtask test summary ({:.0} s total, services up {services_secs:.1} s):",
        started.elapsed().as_secs_f64()
    );
    for (name, ok) in &steps {
        eprintln!("  {:<28} {}", name, if *ok { "ok" } else { "FAILED" });
    }
    if steps.iter().all(|(_, ok)| *ok) {
        Ok(())
    } else {
        bail!("some steps failed (see above); fix them and rerun `cargo xtask test`")
    }
}
