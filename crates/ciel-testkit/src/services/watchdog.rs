//! A detached watchdog that runs `DIR/down.sh` once a given process has exited.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// Polls once a second while the watched pid exists and is not a zombie, then runs down.sh if it is
/// still there (a normal `stop` removes it first, which makes the watchdog a no-op).
const WATCH: &str = r#"while kill -0 "$1" 2>/dev/null && ! grep -qs '^State:[[:space:]]*Z' "/proc/$1/status"; do sleep 1; done
if [ -f "$2/down.sh" ]; then sh "$2/down.sh"; fi"#;

/// Spawns a detached watchdog (`setsid -f sh -c 'while kill -0 PID; do sleep 1; done; sh DIR/down.sh'`,
/// stdio to /dev/null) that stops the services in `dir` once process `pid` has exited — so a test
/// binary that started its own services never leaks them, even if it is killed.
///
/// May be called before [`super::start`] (recommended: then even a death during start is covered).
/// The watchdog is forked off by `setsid -f` into its own session and reparented to init, so it
/// neither dies with `pid` nor stays a child (or zombie) of ours.
pub fn spawn_watchdog(dir: &Path, pid: u32) -> Result<()> {
    // `dir` need not exist yet: spawning the watchdog *before* `start` also covers a process that
    // dies while its services are still starting (down.sh is written before anything starts).
    let dir =
        std::path::absolute(dir).with_context(|| format!("cannot resolve {}", dir.display()))?;
    let status = Command::new("setsid")
        .arg("-f")
        .args(["sh", "-c", WATCH, "ciel-services-watchdog"])
        .arg(pid.to_string())
        .arg(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .context("cannot run setsid (from util-linux) to start the services watchdog")?;
    if !status.success() {
        bail!("setsid -f sh … (services watchdog for pid {pid}) failed: {status}");
    }
    Ok(())
}
