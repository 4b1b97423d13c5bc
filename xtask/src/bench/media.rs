//! `cargo xtask bench media`: the image pipeline against `vipsthumbnail`, same images, same run.
//!
//! Installs `libvips-tools` with apt when `vipsthumbnail` is missing (root only), then runs the
//! `media` bench of `ciel-media` in the release profile; that binary generates the inputs,
//! measures and prints the table (throughput on 1 and 2 threads, peak memory per job, the JPEG
//! encode share), each figure beside its target.

use anyhow::{Context, Result, bail};
use std::process::Command;

fn have_vips() -> bool {
    Command::new("vipsthumbnail")
        .arg("--vips-version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// Installs `vipsthumbnail` (Debian `libvips-tools`) when it is missing.
fn ensure_vips() -> Result<()> {
    if have_vips() {
        return Ok(());
    }
    if !is_root() {
        bail!(
            "vipsthumbnail (the baseline) is missing and this is not root: install it \
             (sudo apt-get install libvips-tools) and rerun"
        );
    }
    eprintln!("bench: installing libvips-tools with apt-get …");
    let ok = Command::new("sh")
        .args([
            "-c",
            "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libvips-tools",
        ])
        .status()?
        .success();
    if !ok || !have_vips() {
        bail!(
            "could not install libvips-tools; install it yourself (apt-get install libvips-tools) and rerun"
        );
    }
    Ok(())
}

/// Runs the bench.
pub fn run(args: &[&str]) -> Result<()> {
    let seconds: u64 = match args {
        [] => 3,
        ["--seconds", n] => n.parse().context("--seconds takes a whole number")?,
        _ => bail!("usage: cargo xtask bench media [--seconds N]"),
    };
    ensure_vips()?;
    eprintln!("bench: building the media bench (release) …");
    let ok = Command::new(env!("CARGO"))
        .args([
            "bench",
            "--quiet",
            "-p",
            "ciel-media",
            "--bench",
            "media",
            "--",
        ])
        .args(["--seconds", &seconds.to_string()])
        .current_dir(crate::root())
        .status()?
        .success();
    if !ok {
        bail!("the media bench failed (see above)");
    }
    Ok(())
}
