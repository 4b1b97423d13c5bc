//! `cargo xtask services up|down|status`: the throwaway services for development.

use anyhow::{Result, bail};
use ciel_testkit::services::{self, ServiceKind};
use std::path::PathBuf;

/// Where `services up` keeps its state and env file.
pub fn dev_dir() -> PathBuf {
    match std::env::var_os("CIEL_DEV_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => crate::root().join("target/ciel-services"),
    }
}

/// Installs what is missing, then starts every service into `dir` unless it is already running
/// there. Returns the env file's path.
pub fn up_in(dir: &std::path::Path) -> Result<services::ServiceEnv> {
    if dir.join("env").exists() {
        let statuses = services::status(dir)?;
        if statuses.iter().all(|s| s.up) {
            eprintln!("services already running in {}", dir.display());
            return services::read_env(dir);
        }
        eprintln!("stale services in {}; restarting them", dir.display());
        services::stop(dir)?;
    }
    let started = std::time::Instant::now();
    services::ensure_installed(&ServiceKind::ALL, &crate::root().join("target"))?;
    let env = services::start(dir, &ServiceKind::ALL)?;
    eprintln!(
        "services up in {:.1} s; environment in {}",
        started.elapsed().as_secs_f64(),
        dir.join("env").display()
    );
    Ok(env)
}

/// Runs `services <up|down|status>`.
pub fn run(args: &[&str]) -> Result<()> {
    let dir = dev_dir();
    match args.first().copied() {
        Some("up") => {
            let env = up_in(&dir)?;
            print!("{}", env.to_shell());
            eprintln!("load it with: . {}", dir.join("env").display());
            Ok(())
        }
        Some("down") => {
            services::stop(&dir)?;
            eprintln!("services stopped");
            Ok(())
        }
        Some("status") => {
            if !dir.join("env").exists() {
                println!("no services running (start them with `cargo xtask services up`)");
                return Ok(());
            }
            for s in services::status(&dir)? {
                println!(
                    "{:<9} {:<5} {}",
                    s.kind.name(),
                    if s.up { "up" } else { "DOWN" },
                    s.url
                );
            }
            Ok(())
        }
        _ => bail!("usage: cargo xtask services up|down|status"),
    }
}
