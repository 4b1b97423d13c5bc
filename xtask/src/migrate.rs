//! `cargo xtask migrate` and `cargo xtask codegen`.

use anyhow::{Context, Result, bail};

/// `DATABASE_URL` from the environment (with `DATABASE_CA_CERT` as its `sslrootcert`, as the
/// services read it), else from the dev services' env file.
pub fn database_url() -> Result<String> {
    if let Ok(url) = std::env::var("DATABASE_URL") {
        return Ok(match std::env::var("DATABASE_CA_CERT") {
            Ok(ca) => ciel_storage::with_root_cert(&url, &ca),
            Err(_) => url,
        });
    }
    let env = ciel_testkit::services::read_env(&crate::services_cmd::dev_dir())
        .context("DATABASE_URL is not set and no dev services run; start them with `cargo xtask services up`")?;
    env.get("DATABASE_URL")
        .map(str::to_owned)
        .context("the dev services' env file has no DATABASE_URL")
}

/// Applies (or with `--revert-all`, reverts) the migrations.
pub async fn run(args: &[&str]) -> Result<()> {
    let url = database_url()?;
    let report = match args.first().copied() {
        None => ciel_storage::run_pending(&url).await?,
        Some("--revert-all") => ciel_storage::revert_all(&url).await?,
        Some(other) => bail!("unknown option {other:?}; usage: cargo xtask migrate [--revert-all]"),
    };
    if report.versions.is_empty() {
        eprintln!(
            "migrations: nothing to do (schema at {})",
            ciel_storage::expected_schema_version()
        );
    } else {
        eprintln!(
            "migrations: {} applied/reverted: {}",
            report.versions.len(),
            report.versions.join(", ")
        );
    }
    Ok(())
}

/// Regenerates the schema file from a freshly migrated database (or checks it with `--check`).
pub async fn codegen(args: &[&str]) -> Result<()> {
    let check = match args.first().copied() {
        None => false,
        Some("--check") => true,
        Some(other) => bail!("unknown option {other:?}; usage: cargo xtask codegen [--check]"),
    };
    let db = ciel_testkit::TestDb::migrated().await;
    let generated = crate::codegen::generate(db.url()).await?;
    let path = crate::codegen::schema_path(&crate::root());
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if check {
        if current != generated {
            bail!(
                "{} is stale: run `cargo xtask codegen` and commit it",
                path.display()
            );
        }
        eprintln!("codegen: {} is fresh", path.display());
    } else if current == generated {
        eprintln!("codegen: {} unchanged", path.display());
    } else {
        std::fs::write(&path, generated)?;
        eprintln!("codegen: wrote {}", path.display());
    }
    Ok(())
}
