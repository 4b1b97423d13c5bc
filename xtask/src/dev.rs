//! `cargo xtask dev`: services up, migrate, seed, then `ciel-api` in combined mode until Ctrl-C,
//! then services down.

use anyhow::{Context, Result, bail};
use base64::Engine;
use rand::RngCore;
use std::collections::BTreeMap;
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

/// Runs the whole system locally.
pub async fn run(args: &[&str]) -> Result<()> {
    if let Some(other) = args.first() {
        bail!("unknown option {other:?}; usage: cargo xtask dev");
    }
    let dir = crate::services_cmd::dev_dir();
    let services = tokio::task::spawn_blocking({
        let dir = dir.clone();
        move || crate::services_cmd::up_in(&dir)
    })
    .await??;

    // Defaults for the API; anything already set in our environment wins.
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
    for (k, v) in std::env::vars() {
        vars.insert(k, v);
    }
    let database_url = vars
        .get("DATABASE_URL")
        .cloned()
        .context("no DATABASE_URL")?;

    let report = ciel_storage::run_pending(&database_url)
        .await
        .context("migrating the dev database")?;
    eprintln!("dev: {} migration(s) applied", report.versions.len());
    let world = crate::seed::seed(&database_url).await?;

    eprintln!("dev: building ciel-api …");
    let built = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "-p", "ciel-api"])
        .current_dir(crate::root())
        .status()?;
    if !built.success() {
        bail!("building ciel-api failed (see above)");
    }
    let binary = crate::root().join("target/debug/ciel-api");
    let mut child = tokio::process::Command::new(&binary)
        .env_clear()
        .envs(&vars)
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;

    let addr = vars["HTTP_ADDR"].replace("0.0.0.0", "127.0.0.1");
    let (alice_id, alice) = world.users.first().cloned().context("no demo user")?;
    println!();
    println!("  Ciel is starting on   http://{addr}   (health: http://{addr}/health)");
    println!(
        "  demo login            {alice}@demo.ciel.local / {}   (user id {alice_id})",
        crate::seed::DEMO_PASSWORD
    );
    println!("  admin token           {}", vars["ADMIN_TOKEN"]);
    println!("  admin invite code     {}", world.invite_code);
    println!(
        "  metrics               curl -H 'x-admin-token: {}' http://{addr}/metrics",
        vars["ADMIN_TOKEN"]
    );
    println!("  services env          . {}", dir.join("env").display());
    println!("  Ctrl-C stops the API and the services.");
    println!();

    // Ctrl-C reaches the API too (same process group); wait for it to finish its graceful stop.
    let status = tokio::select! {
        status = child.wait() => status?,
        _ = tokio::signal::ctrl_c() => {
            eprintln!("dev: stopping …");
            child.wait().await?
        }
    };
    tokio::task::spawn_blocking(move || ciel_testkit::services::stop(&dir)).await??;
    eprintln!("dev: services stopped");
    if !status.success() && status.code().is_some() {
        bail!("ciel-api exited with {status}");
    }
    Ok(())
}
