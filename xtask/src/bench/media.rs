//! `cargo xtask bench media`: the image pipeline against `vipsthumbnail`, same images, same run.
//!
//! Installs `libvips-tools` (the baseline) and `nasm` (libjpeg-turbo's SIMD, which
//! `mozjpeg-sys` builds only when nasm is on PATH) with apt when missing (root only), before
//! the nested release build, then runs the `media` bench of `ciel-media`; that binary generates
//! the inputs, measures and prints the table (throughput on 1 and 2 threads, peak memory per
//! job, the JPEG encode share), each figure beside its target.

use anyhow::{Context, Result, bail};
use std::process::Command;

fn have_vips() -> bool {
    Command::new("vipsthumbnail")
        .arg("--vips-version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn have_nasm() -> bool {
    Command::new("nasm")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// Installs `vipsthumbnail` (Debian `libvips-tools`) and `nasm` when missing.
fn ensure_tools() -> Result<()> {
    let mut missing = Vec::new();
    if !have_vips() {
        missing.push("libvips-tools");
    }
    if !have_nasm() {
        missing.push("nasm");
    }
    if missing.is_empty() {
        return Ok(());
    }
    let packages = missing.join(" ");
    if !is_root() {
        if have_vips() {
            eprintln!(
                "bench: nasm is missing and this is not root: libjpeg-turbo is built without \
                 SIMD (sudo apt-get install nasm, then rebuild mozjpeg-sys for the real figures)"
            );
            return Ok(());
        }
        bail!(
            "{packages} missing and this is not root: install them \
             (sudo apt-get install {packages}) and rerun"
        );
    }
    eprintln!("bench: installing {packages} with apt-get …");
    let ok = Command::new("sh")
        .args([
            "-c",
            &format!(
                "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq {packages}"
            ),
        ])
        .status()?
        .success();
    if !ok || !have_vips() || !have_nasm() {
        bail!(
            "could not install {packages}; install them yourself (apt-get install {packages}) and rerun"
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
    ensure_tools()?;
    eprintln!("bench: building the media bench (release) …");
    let ok = crate::nested_cargo()
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
        .status()?
        .success();
    if !ok {
        bail!("the media bench failed (see above)");
    }
    Ok(())
}
