//! Starts the four throwaway services for real, probes them, stops them (needs the binaries installed).

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use ciel_testkit::services::{self, ServiceKind};

/// `target/` of this build (CARGO_TARGET_TMPDIR is `target/tmp`).
fn target_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).to_path_buf()
}

/// A fresh state directory `target/tmp-services-test-<pid>-<name>`.
fn fresh_dir(name: &str) -> PathBuf {
    let dir = target_dir().join(format!("tmp-services-test-{}-{name}", std::process::id()));
    let _ = services::stop(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Stops the services even when an assertion fails half-way.
struct StopOnDrop(PathBuf);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        if let Err(e) = services::stop(&self.0) {
            eprintln!("cleanup: stop({}) failed: {e:#}", self.0.display());
        }
    }
}

#[allow(clippy::disallowed_methods)] // sync test polling external processes; no async executor here
fn sleep_ms(ms: u64) {
    std::thread::sleep(Duration::from_millis(ms));
}

fn port_of(url: &str) -> u16 {
    let authority = url.split_once("://").unwrap().1.split('/').next().unwrap();
    authority.rsplit_once(':').unwrap().1.parse().unwrap()
}

fn connect(port: u16) -> std::io::Result<TcpStream> {
    let s = TcpStream::connect_timeout(
        &SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
        Duration::from_secs(2),
    )?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    Ok(s)
}

/// Sends `request` and returns the first bytes of the answer.
fn exchange(port: u16, request: &[u8], want: usize) -> Vec<u8> {
    let mut s = connect(port).unwrap_or_else(|e| panic!("connect to {port}: {e}"));
    s.write_all(request).unwrap();
    let mut buf = vec![0u8; want];
    s.read_exact(&mut buf).unwrap();
    buf
}

fn assert_closed(port: u16, what: &str) {
    assert!(
        connect(port).is_err(),
        "{what} port {port} still accepts connections after stop"
    );
}

#[test]
fn ensure_installed_returns_at_once_when_everything_is_present() {
    let lock_dir = fresh_dir("lock");
    let t = Instant::now();
    services::ensure_installed(&ServiceKind::ALL, &lock_dir).expect("ensure_installed");
    let took = t.elapsed();
    eprintln!("ensure_installed (all present) took {took:?}");
    assert!(took < Duration::from_secs(1), "detection took {took:?}");
    // Fast path: not even the lock directory is touched.
    assert!(
        !lock_dir.exists(),
        "ensure_installed created {} although nothing was missing",
        lock_dir.display()
    );
}

#[test]
fn starts_probes_and_stops_all_four() {
    let dir = fresh_dir("all");
    services::ensure_installed(&ServiceKind::ALL, &target_dir()).expect("ensure_installed");

    let t = Instant::now();
    let env = services::start(&dir, &ServiceKind::ALL).expect("start");
    eprintln!("start(all four) took {:?}", t.elapsed());
    let _guard = StopOnDrop(dir.clone());
    // Safety net should this test process be killed before the guard runs.
    services::spawn_watchdog(&dir, std::process::id()).expect("watchdog");

    for key in [
        "DATABASE_URL",
        "DATABASE_ADMIN_URL",
        "REDIS_URL",
        "AMQP_URL",
        "RABBITMQ_MGMT_URL",
        "RABBITMQ_NODENAME",
        "S3_ENDPOINT",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "S3_REGION",
        "S3_FORCE_PATH_STYLE",
        "S3_BUCKET",
    ] {
        assert!(env.get(key).is_some(), "{key} missing from {env:?}");
    }
    assert!(env.get("DATABASE_URL").unwrap().ends_with("/ciel"));
    assert!(env.get("AMQP_URL").unwrap().ends_with("/%2f"));
    assert_eq!(env.get("S3_BUCKET"), Some("ciel-media"));
    assert!(dir.join("s3/data/ciel-media").is_dir());
    assert!(dir.join("down.sh").is_file());

    // env on disk says the same, and shell form round-trips.
    let on_disk = services::read_env(&dir).expect("read_env");
    assert_eq!(on_disk.vars, env.vars);
    assert!(env.to_shell().contains(&format!(
        "export REDIS_URL={}\n",
        env.get("REDIS_URL").unwrap()
    )));

    // A second start into the same dir is refused.
    let err = services::start(&dir, &[ServiceKind::Redis])
        .unwrap_err()
        .to_string();
    assert!(err.contains("already running"), "{err}");

    let statuses = services::status(&dir).expect("status");
    assert_eq!(
        statuses.iter().map(|s| s.kind).collect::<Vec<_>>(),
        ServiceKind::ALL.to_vec()
    );
    for s in &statuses {
        assert!(s.up, "{} reported down: {}", s.kind.name(), s.url);
    }

    let pg = port_of(env.get("DATABASE_URL").unwrap());
    let out = Command::new("psql")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &pg.to_string(),
            "-U",
            "postgres",
            "-d",
            "ciel",
            "-tAc",
            "select 1",
        ])
        .output()
        .expect("run psql");
    assert!(
        out.status.success(),
        "psql: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1");

    let redis = port_of(env.get("REDIS_URL").unwrap());
    assert_eq!(exchange(redis, b"PING\r\n", 7), b"+PONG\r\n");

    let s3 = port_of(env.get("S3_ENDPOINT").unwrap());
    assert_eq!(exchange(s3, b"GET / HTTP/1.0\r\n\r\n", 5), b"HTTP/");

    // AMQP 0-9-1 handshake: the broker answers the protocol header with a method frame (type 1).
    let amqp = port_of(env.get("AMQP_URL").unwrap());
    assert_eq!(exchange(amqp, b"AMQP\x00\x00\x09\x01", 1), [1u8]);
    let mgmt = port_of(env.get("RABBITMQ_MGMT_URL").unwrap());
    assert_eq!(
        exchange(mgmt, b"GET /api/overview HTTP/1.0\r\n\r\n", 5),
        b"HTTP/"
    );

    let t = Instant::now();
    services::stop(&dir).expect("stop");
    eprintln!("stop(all four) took {:?}", t.elapsed());
    assert!(!dir.exists(), "{} still exists after stop", dir.display());
    for (port, what) in [
        (pg, "postgres"),
        (redis, "redis"),
        (s3, "s3"),
        (amqp, "amqp"),
        (mgmt, "rabbitmq mgmt"),
    ] {
        assert_closed(port, what);
    }
    services::stop(&dir).expect("second stop is a no-op");
}

#[test]
fn watchdog_stops_services_once_the_owner_exits() {
    let dir = fresh_dir("watchdog");
    let _guard = StopOnDrop(dir.clone());
    let env = services::start(&dir, &[ServiceKind::Redis]).expect("start redis");
    assert_eq!(env.vars.len(), 1, "only REDIS_URL expected: {env:?}");
    let redis = port_of(env.get("REDIS_URL").unwrap());

    let mut owner = Command::new("sleep")
        .arg("0.5")
        .spawn()
        .expect("spawn sleep");
    services::spawn_watchdog(&dir, owner.id()).expect("watchdog");
    assert!(dir.exists(), "watchdog fired while its process still ran");
    owner.wait().unwrap();

    let t = Instant::now();
    while dir.exists() && t.elapsed() < Duration::from_secs(10) {
        sleep_ms(50);
    }
    eprintln!(
        "watchdog cleaned up {:?} after the owner exited",
        t.elapsed()
    );
    assert!(!dir.exists(), "watchdog did not remove {}", dir.display());
    assert_closed(redis, "redis");
}
