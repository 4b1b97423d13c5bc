//! `cargo xtask bench …`: performance measured as ratios against a baseline taken in the same
//! run (shared machines drift; ratios do not). Each bench shows progress and ends with a summary.

mod feed;
mod harness;
mod login;
mod media;
mod media_e2e;
mod profile;
mod ratelimit;

use anyhow::{Result, bail};

/// Runs `bench <name>`.
pub fn run(args: &[&str]) -> Result<()> {
    match args.first().copied() {
        Some("login") => login::run(&args[1..]),
        Some("feed") => feed::run(&args[1..]),
        Some("ratelimit") => ratelimit::run(&args[1..]),
        Some("profile") => profile::run(&args[1..]),
        Some("media") => media::run(&args[1..]),
        Some("media-e2e") => media_e2e::run(&args[1..]),
        _ => bail!(
            "usage: cargo xtask bench login|feed|ratelimit|profile|media|media-e2e [--seconds N]"
        ),
    }
}
