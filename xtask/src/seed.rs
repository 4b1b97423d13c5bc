//! `cargo xtask seed`: the demo world — users who follow each other, an admin invite, and (with
//! an object store) their photos, posts, likes, comments and a story (`demo_content`).

use anyhow::{Context, Result};
use ciel_storage::demo::{DemoUser, DemoWorld, seed_demo_world};
use rand::RngCore;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

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

/// The object store the dev API will use, from the same variables (`S3_*`, `AWS_*`, or
/// `S3_ENDPOINT=file://…`); a local-directory store signs its URLs for `origin`.
fn object_store(
    vars: &BTreeMap<String, String>,
    origin: &str,
) -> Result<Arc<dyn ciel_domain::ports::ObjectStore>> {
    // `serverless-worker` needs neither a broker nor token keys: only what storage needs.
    let mut map: HashMap<String, String> = vars.clone().into_iter().collect();
    map.insert("APP_MODE".into(), "serverless-worker".into());
    map.remove("AMQP_URL");
    let config = ciel_runtime::Config::from_map(&map).map_err(|e| anyhow::anyhow!("{e}"))?;
    let (store, local) =
        ciel_runtime::wiring::object_stores(&config).map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(local) = local {
        local.set_public_origin(origin);
    }
    Ok(store)
}

/// The users and invite, then the content when an object store is configured.
pub async fn seed_all(vars: &BTreeMap<String, String>, origin: &str) -> Result<DemoWorld> {
    let url = vars.get("DATABASE_URL").context("no DATABASE_URL")?;
    let world = seed(url).await?;
    print_world(&world);
    let store = match object_store(vars, origin) {
        Ok(store) => store,
        Err(e) => {
            eprintln!(
                "seed: no object store configured ({e:#}); demo posts need photos, so none were made"
            );
            return Ok(world);
        }
    };
    let pool = ciel_storage::connect_pool(url, &ciel_storage::PoolSettings::default())?;
    let images =
        ciel_runtime::media::image_processor().context("no image pipeline in this build")?;
    let users: Vec<ciel_domain::UserId> = world
        .users
        .iter()
        .map(|(id, _)| ciel_domain::UserId::from_uuid(*id))
        .collect();
    let started = std::time::Instant::now();
    let report = crate::demo_content::seed_content(&pool, store, images, &users)
        .await
        .context("seeding the demo content")?;
    if report.skipped {
        eprintln!("seed: demo content already there");
    } else {
        eprintln!(
            "seed: {} posts with processed photos, {} likes, {} comments, {} story in {:.1} s",
            report.posts,
            report.likes,
            report.comments,
            report.stories,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(world)
}

/// `cargo xtask seed` on `DATABASE_URL` and the object store of the environment, else of the
/// dev services.
pub async fn run_cli() -> Result<()> {
    let mut vars: BTreeMap<String, String> =
        ciel_testkit::services::read_env(&crate::services_cmd::dev_dir())
            .map(|e| e.vars)
            .unwrap_or_default();
    vars.extend(std::env::vars());
    if !vars.contains_key("DATABASE_URL") {
        vars.insert("DATABASE_URL".into(), crate::migrate::database_url()?);
    }
    let addr = vars
        .get("HTTP_ADDR")
        .map_or("127.0.0.1:8080", String::as_str)
        .replace("0.0.0.0", "127.0.0.1");
    seed_all(&vars, &format!("http://{addr}")).await?;
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
