//! `cargo xtask seed`: the demo world (users who follow each other, an admin invite).

use anyhow::{Context, Result};
use ciel_storage::demo::{DemoUser, DemoWorld, seed_demo_world};
use rand::RngCore;

/// The demo accounts' shared password (meets the sign-up rules).
pub const DEMO_PASSWORD: &str = "CielDemo2026";

fn demo_users() -> Vec<DemoUser> {
    [
        ("alice", "Alice Martin", "Photographer of small things."),
        ("bruno", "Bruno Costa", "Mountains, mostly."),
        ("chloe", "Chloé Dubois", "Street light and long shadows."),
    ]
    .into_iter()
    .map(|(handle, name, bio)| DemoUser {
        handle: handle.into(),
        email: format!("{handle}@demo.ciel.local"),
        display_name: name.into(),
        bio: bio.into(),
    })
    .collect()
}

/// Seeds the demo world into the database at `database_url` (idempotent).
pub async fn seed(database_url: &str) -> Result<DemoWorld> {
    let pool = ciel_storage::connect_pool(database_url, &ciel_storage::PoolSettings::default())?;
    let hash = tokio::task::spawn_blocking(|| ciel_app::password::hash_password(DEMO_PASSWORD))
        .await
        .context("hashing task")??;
    let code = loop {
        let mut entropy = [0u8; 32];
        rand::rng().fill_bytes(&mut entropy);
        if let Some(code) = ciel_domain::invites::invite_code_from_entropy(&entropy) {
            break code;
        }
    };
    let world = seed_demo_world(&pool, &demo_users(), &hash, &code)
        .await
        .context("seeding the demo world (did the migrations run? `cargo xtask migrate`)")?;
    Ok(world)
}

/// `cargo xtask seed` on `DATABASE_URL` (or the dev services).
pub async fn run_cli() -> Result<()> {
    let url = crate::migrate::database_url()?;
    let world = seed(&url).await?;
    print_world(&world);
    Ok(())
}

/// Prints what the seed produced.
pub fn print_world(world: &DemoWorld) {
    let handles: Vec<&str> = world.users.iter().map(|(_, h)| h.as_str()).collect();
    eprintln!(
        "seed: demo users {} (all follow each other), password {DEMO_PASSWORD}; admin invite {}",
        handles.join(", "),
        world.invite_code
    );
}
