//! Small process helpers: bounded command runs with logs, binary lookup, log tails, shell quoting.

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// Blocks the current thread for `d`.
// This is synchronous dev/test tooling that polls external processes; there is no async
// executor to block, so the workspace-wide ban on std::thread::sleep does not apply here.
#[allow(clippy::disallowed_methods)]
pub(crate) fn pause(d: Duration) {
    std::thread::sleep(d);
}

/// Reads an environment variable of the tool's own process (PATH, HOME, CARGO_HOME, CARGO).
// Dev/test tooling needs the user's PATH and cargo locations; the app's configuration rule
// ("read env once in ciel-runtime::config") is about the application, not this tooling.
#[allow(clippy::disallowed_methods)]
pub(crate) fn env_os(key: &str) -> Option<OsString> {
    std::env::var_os(key).filter(|v| !v.is_empty())
}

/// Finds an executable named `name` on PATH, then in each of `extra` directories.
pub(crate) fn which(name: &str, extra: &[PathBuf]) -> Option<PathBuf> {
    let path_dirs: Vec<PathBuf> = env_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    path_dirs
        .iter()
        .chain(extra.iter())
        .map(|d| d.join(name))
        .find(|p| is_executable(p))
}

/// True when `p` is a regular file with an execute bit.
pub(crate) fn is_executable(p: &Path) -> bool {
    std::fs::metadata(p)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// Opens `path` for appending (creating it), for use as a child's stdout/stderr.
pub(crate) fn log_file(path: &Path) -> Result<File> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open log file {}", path.display()))
}

/// Runs `cmd` to completion with stdin from /dev/null and stdout+stderr appended to `log`.
/// Kills it and fails after `timeout`. `what` names the command in errors.
pub(crate) fn run_logged(
    cmd: &mut Command,
    log: &Path,
    timeout: Duration,
    what: &str,
) -> Result<()> {
    let out = log_file(log)?;
    let err = out.try_clone()?;
    cmd.stdin(Stdio::null()).stdout(out).stderr(err);
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot run {what} ({:?})", cmd.get_program()))?;
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait()? {
            if status.success() {
                return Ok(());
            }
            bail!(
                "{what} failed ({status}); its output is in {}",
                log.display()
            );
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "{what} did not finish within {} s and was killed; its output is in {}",
                timeout.as_secs(),
                log.display()
            );
        }
        pause(Duration::from_millis(20));
    }
}

/// Runs `cmd` (stdin /dev/null) and returns its stdout; fails with its stderr on a non-zero exit.
pub(crate) fn run_capture(cmd: &mut Command, what: &str) -> Result<String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run {what} ({:?})", cmd.get_program()))?;
    if !out.status.success() {
        bail!(
            "{what} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim(),
            String::from_utf8_lossy(&out.stdout).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The last `n` lines of `path`, or an empty string when it is missing or empty.
pub(crate) fn tail(path: &Path, n: usize) -> String {
    let Ok(bytes) = std::fs::read(path) else {
        return String::new();
    };
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Polls `ready` every `every` until it returns true or `timeout` passes.
pub(crate) fn wait_until(
    timeout: Duration,
    every: Duration,
    mut ready: impl FnMut() -> bool,
) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if ready() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        pause(every);
    }
}

/// Quotes `s` for POSIX sh (single quotes unless it only holds safe characters).
pub(crate) fn sh_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+:@%,=".contains(&b));
    if safe {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The UTF-8 form of a path (our state paths are always built from UTF-8 pieces).
pub(crate) fn path_str(p: &Path) -> Result<&str> {
    p.to_str()
        .with_context(|| format!("path is not valid UTF-8: {}", p.display()))
}

/// `chown -R user:user path` (used as root to hand a directory to `postgres` or `rabbitmq`).
pub(crate) fn chown_to(user: &str, path: &Path) -> Result<()> {
    run_capture(
        Command::new("chown")
            .arg("-R")
            .arg(format!("{user}:{user}"))
            .arg(path),
        &format!("chown -R {user}:{user} {}", path.display()),
    )
    .map(drop)
    .with_context(|| {
        format!("does the system user `{user}` exist? (it comes with its Debian package)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(
            sh_quote("amqp://guest:guest@127.0.0.1:5672/%2f"),
            "amqp://guest:guest@127.0.0.1:5672/%2f"
        );
        assert_eq!(sh_quote("a b"), "'a b'");
        assert_eq!(sh_quote("it's"), r"'it'\''s'");
        assert_eq!(sh_quote(""), "''");
    }
}
