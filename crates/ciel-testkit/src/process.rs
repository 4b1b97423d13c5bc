//! Running the real binaries in tests: spawn with an environment, wait until they answer, signal
//! them, and collect their exit status and output.

use std::collections::HashMap;
use std::io::Read;
use std::net::TcpListener;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A free loopback port (bound and released; good enough for tests).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Spawns `binary` with exactly `env` (plus `PATH`), capturing stdout and stderr.
pub fn spawn_binary(binary: &str, env: &HashMap<String, String>) -> Child {
    Command::new(binary)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .envs(env)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawning {binary}: {e}"))
}

/// Polls `url` until it answers 200, or panics after `timeout`.
pub async fn wait_for_ok(url: &str, timeout: Duration) {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + timeout;
    loop {
        if let Ok(res) = client.get(url).send().await
            && res.status() == 200
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{url} did not answer 200 within {timeout:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Sends `signal` (e.g. `"TERM"`, `"INT"`) to the child.
pub fn signal(child: &Child, signal: &str) {
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .expect("running kill");
    assert!(status.success(), "kill -{signal} failed");
}

/// Waits for the child to exit (panics after `timeout`, killing it), returning its status and
/// its stderr.
pub async fn wait_exit(mut child: Child, timeout: Duration) -> (ExitStatus, String) {
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            panic!("process did not exit within {timeout:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let mut stderr = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    (status, stderr)
}
