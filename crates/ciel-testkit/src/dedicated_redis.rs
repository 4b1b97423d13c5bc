//! A Redis that belongs to one test and can be stopped and started again on the same port, to
//! show what the application does while Redis is away and after it comes back.

use crate::services::redis_pong;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `redis-server` child process without persistence (restarting it empties it).
pub struct DedicatedRedis {
    port: u16,
    bin: PathBuf,
    child: Option<Child>,
}

impl DedicatedRedis {
    /// Starts one on a free loopback port (panics with what to install when it cannot).
    pub async fn start() -> Self {
        let bin = crate::services::redis_server_binary().unwrap_or_else(|| {
            panic!("redis-server not found: `apt-get install redis-server` (or run as root once)")
        });
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free loopback port");
        let mut redis = Self {
            port,
            bin,
            child: None,
        };
        redis.resume().await;
        redis
    }

    /// `redis://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Stops the server and waits until it no longer answers.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        assert!(!redis_pong(self.port), "redis still answers after stop");
    }

    /// Starts the server again on the same port (empty) and waits until it answers PING.
    pub async fn resume(&mut self) {
        assert!(self.child.is_none(), "already running");
        let child = Command::new(&self.bin)
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawning redis-server");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(15);
        while !redis_pong(self.port) {
            assert!(
                Instant::now() < deadline,
                "redis-server on {} did not answer within 15 s",
                self.port
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl Drop for DedicatedRedis {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
