//! A PostgreSQL 15 server that belongs to one test, with settings and files of the test's
//! choosing (e.g. `ssl=on` and a certificate made in the test), stopped when dropped.

use crate::services::{install, is_root};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// A `postgres` child process on a fresh cluster (trust authentication, user `postgres`).
pub struct DedicatedPostgres {
    port: u16,
    dir: PathBuf,
    child: Child,
}

impl DedicatedPostgres {
    /// Initialises a cluster, writes `files` (name, contents) into its data directory (owned by
    /// the server, mode 0600, as Postgres wants for keys), and starts it on a free loopback port
    /// with `settings` (`-c name=value`). Panics with the reason when it cannot.
    pub async fn start(settings: &[(&str, &str)], files: &[(&str, &[u8])]) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let bin = install::pg_bin().unwrap_or_else(|| {
            panic!("PostgreSQL 15 missing: run `cargo xtask services up` as root")
        });
        let dir = std::env::temp_dir().join(format!(
            "ciel-dpg-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("creating the cluster directory");
        let owner = is_root().then(postgres_ids);
        if is_root() {
            chown_postgres(&dir);
        }
        let data = dir.join("data");
        let out = as_owner(Command::new(bin.join("initdb")), owner)
            .arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
            .args(["--no-instructions", "--locale=C.UTF-8"])
            .output()
            .expect("running initdb");
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        for (name, contents) in files {
            let path = data.join(name);
            std::fs::write(&path, contents).expect("writing a server file");
            set_mode(&path, 0o600);
        }
        if is_root() {
            chown_postgres(&dir);
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free loopback port");
        let mut cmd = as_owner(Command::new(bin.join("postgres")), owner);
        cmd.arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string()])
            .args(["-c", "listen_addresses=127.0.0.1"])
            .arg("-c")
            .arg(format!("unix_socket_directories={}", dir.display()))
            .args(["-c", "fsync=off", "-c", "synchronous_commit=off"]);
        for (name, value) in settings {
            cmd.arg("-c").arg(format!("{name}={value}"));
        }
        let log = std::fs::File::create(dir.join("pg.log")).expect("the server log");
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("spawning postgres");
        let server = Self { port, dir, child };
        server.wait_ready(&bin).await;
        server
    }

    /// The server's port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `postgres://postgres@{host}:{port}/postgres`, `host` being e.g. `localhost` or
    /// `127.0.0.1` (both reach the server).
    pub fn url(&self, host: &str) -> String {
        format!("postgres://postgres@{host}:{}/postgres", self.port)
    }

    async fn wait_ready(&self, bin: &Path) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = Command::new(bin.join("pg_isready"))
                .args(["-q", "-h", "127.0.0.1", "-p", &self.port.to_string()])
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "postgres on {} not ready within 30 s: {}",
                self.port,
                std::fs::read_to_string(self.dir.join("pg.log")).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for DedicatedPostgres {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `postgres`'s uid and gid.
fn postgres_ids() -> (u32, u32) {
    let id = |flag: &str| -> u32 {
        let out = Command::new("id")
            .args([flag, "postgres"])
            .output()
            .expect("running id");
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("no system user `postgres` (apt-get install postgresql-15)"))
    };
    (id("-u"), id("-g"))
}

/// Runs `cmd` as `owner` (Postgres refuses to run as root).
fn as_owner(mut cmd: Command, owner: Option<(u32, u32)>) -> Command {
    if let Some((uid, gid)) = owner {
        cmd.uid(uid).gid(gid);
    }
    cmd
}

fn chown_postgres(path: &Path) {
    let ok = Command::new("chown")
        .arg("-R")
        .arg("postgres:postgres")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "chown -R postgres {}", path.display());
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}
