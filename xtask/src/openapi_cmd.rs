//! `cargo xtask openapi [--check]`: writes the OpenAPI document generated from the code to
//! `docs/openapi.json` (the copy clients and reviewers read), or checks that it is up to date.

use anyhow::{Result, bail};

/// Where the committed document lives.
pub fn path() -> std::path::PathBuf {
    crate::root().join("docs/openapi.json")
}

/// Runs `openapi [--check]`.
pub fn run(args: &[&str]) -> Result<()> {
    let generated = ciel_http::openapi::document_json();
    match args {
        [] => {
            std::fs::write(path(), &generated)?;
            eprintln!("openapi: wrote {}", path().display());
            Ok(())
        }
        ["--check"] => {
            let committed = std::fs::read_to_string(path()).unwrap_or_default();
            if committed == generated {
                eprintln!("openapi: {} is up to date", path().display());
                Ok(())
            } else {
                bail!(
                    "{} is stale; regenerate it with `cargo xtask openapi`",
                    path().display()
                )
            }
        }
        _ => bail!("usage: cargo xtask openapi [--check]"),
    }
}
