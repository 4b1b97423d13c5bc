//! The soak's cluster on loopback: the shared services (as `cargo xtask services up` starts them,
//! in `target/ciel-soak/services`), two `ciel-api` (mode `api`), two `ciel-worker` (mode
//! `worker`) and nginx in front of the APIs. Every process logs to `target/ciel-soak/logs/`.
//!
//! The binaries are the **dev** build: `cargo build -p ciel-api -p ciel-worker` is incremental
//! next to the tests' builds, while a release build (thin LTO) costs many minutes on a 2-core
//! machine; the hot code (Argon2, image decoding and resizing) is compiled at opt-level 3 in
//! the dev profile anyway (workspace `Cargo.toml`), and the soak measures loss, not speed.

use super::nginx::Nginx;
use anyhow::{Context, Result, bail};
use base64::Engine;
use ciel_queue::RabbitConfig;
use ciel_testkit::services::{self, ServiceEnv, ServiceKind};
use rand::RngCore;
use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Per-user limits raised for the workload (each virtual user does far more than a new account
/// may in an hour); the per-IP limits — the login burst the run checks — stay as the contract sets them.
const RATE_LIMIT_OVERRIDES: &str = "post:hour:new=1000,post:day:new=1000,\
follow:hour:new=1000,follow:day:new=1000,like:hour:new=10000,comment:hour:new=1000,\
feed:hour:new=10000,media_read:hour:new=100000,media_upload:hour:new=1000";

/// One of our processes.
pub struct Instance {
    /// `api-1`, `worker-2`, …
    pub name: String,
    binary: PathBuf,
    env: BTreeMap<String, String>,
    /// Its log file (stdout and stderr, appended across restarts).
    pub log: PathBuf,
    port: Option<u16>,
    child: Option<Child>,
}

impl Instance {
    fn start(&mut self) -> Result<()> {
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .with_context(|| format!("opening {}", self.log.display()))?;
        let child = Command::new(&self.binary)
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .envs(&self.env)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("starting {}", self.binary.display()))?;
        self.child = Some(child);
        Ok(())
    }

    /// Waits until an API answers HTTP on its port (any status: `/health` is IP-limited) or,
    /// for a worker, until it has stayed up for 2 s.
    async fn wait_ready(&mut self) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(60);
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()?;
        let settle = Instant::now() + Duration::from_secs(2);
        loop {
            if let Some(child) = self.child.as_mut()
                && let Some(status) = child.try_wait()?
            {
                bail!(
                    "{} exited during start ({status}); see {}",
                    self.name,
                    self.log.display()
                );
            }
            match self.port {
                Some(port)
                    if client
                        .get(format!("http://127.0.0.1:{port}/health"))
                        .send()
                        .await
                        .is_ok() =>
                {
                    return Ok(());
                }
                None if Instant::now() >= settle => return Ok(()),
                _ => {}
            }
            if Instant::now() >= deadline {
                bail!(
                    "{} did not come up within 60 s; see {}",
                    self.name,
                    self.log.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// SIGKILL, then reap.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM, up to 40 s for the graceful stop, then SIGKILL.
    async fn terminate(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(40);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// Everything that runs.
pub struct Cluster {
    services_dir: PathBuf,
    logs_dir: PathBuf,
    env: ServiceEnv,
    admin_token: String,
    instances: Vec<Instance>,
    nginx: Option<Nginx>,
}

/// `target/ciel-soak`.
fn soak_dir() -> PathBuf {
    crate::root().join("target/ciel-soak")
}

fn random_b64_key() -> String {
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    base64::engine::general_purpose::STANDARD.encode(key)
}

impl Cluster {
    /// Installs what is missing, starts the services fresh, migrates, builds and starts the
    /// instances and nginx.
    pub async fn up() -> Result<Self> {
        super::nginx::ensure_installed()?;
        let dir = soak_dir();
        let services_dir = dir.join("services");
        let logs_dir = dir.join("logs");
        services::stop(&services_dir)?;
        if logs_dir.exists() {
            std::fs::remove_dir_all(&logs_dir)?;
        }
        std::fs::create_dir_all(&logs_dir)?;
        let env = tokio::task::spawn_blocking({
            let services_dir = services_dir.clone();
            move || -> Result<ServiceEnv> {
                services::ensure_installed(&ServiceKind::ALL, &crate::root().join("target"))?;
                services::spawn_watchdog(&services_dir, std::process::id())?;
                // A machine busy with builds can make RabbitMQ miss its start-up bound: once more.
                services::start(&services_dir, &ServiceKind::ALL).or_else(|e| {
                    eprintln!("soak: the services did not start ({e:#}); trying once more");
                    services::start(&services_dir, &ServiceKind::ALL)
                })
            }
        })
        .await??;
        let mut admin = [0u8; 24];
        rand::rng().fill_bytes(&mut admin);
        let admin_token: String = admin.iter().map(|b| format!("{b:02x}")).collect();
        let mut cluster = Self {
            services_dir,
            logs_dir,
            env,
            admin_token,
            instances: Vec::new(),
            nginx: None,
        };
        let database_url = cluster.var("DATABASE_URL")?;
        let report = ciel_storage::run_pending(&database_url)
            .await
            .context("migrating the soak database")?;
        println!("soak: {} migration(s) applied", report.versions.len());

        println!("soak: building ciel-api and ciel-worker (dev profile) …");
        let built = crate::nested_cargo()
            .args(["build", "--quiet", "-p", "ciel-api", "-p", "ciel-worker"])
            .status()?;
        if !built.success() {
            bail!("building ciel-api and ciel-worker failed (see above)");
        }
        let mut api_ports = Vec::new();
        for (kind, n) in [("api", 1), ("api", 2), ("worker", 1), ("worker", 2)] {
            let port = (kind == "api").then(ciel_testkit::process::free_port);
            api_ports.extend(port);
            let instance = cluster.instance(kind, n, port);
            cluster.instances.push(instance);
        }
        for i in 0..cluster.instances.len() {
            cluster.instances[i].start()?;
        }
        for i in 0..cluster.instances.len() {
            cluster.instances[i].wait_ready().await?;
        }
        let nginx = Nginx::start(&dir.join("nginx"), &cluster.logs_dir, &api_ports).await?;
        println!(
            "soak: nginx on {} → api-1 :{}, api-2 :{}; worker-1, worker-2",
            nginx.base_url(),
            api_ports[0],
            api_ports[1]
        );
        cluster.nginx = Some(nginx);
        Ok(cluster)
    }

    fn var(&self, key: &str) -> Result<String> {
        self.env
            .get(key)
            .map(str::to_owned)
            .with_context(|| format!("the services' env has no {key}"))
    }

    fn instance(&self, kind: &str, n: u32, port: Option<u16>) -> Instance {
        let name = format!("{kind}-{n}");
        let mut env = self.env.vars.clone();
        let shared = [
            ("APP_MODE", kind.to_owned()),
            ("PASETO_ACCESS_KEY", key_for("access")),
            ("PASETO_REFRESH_KEY", key_for("refresh")),
            ("ADMIN_TOKEN", self.admin_token.clone()),
            ("TRUSTED_PROXY_CIDRS", "127.0.0.0/8".to_owned()),
            ("RATE_LIMIT_OVERRIDES", RATE_LIMIT_OVERRIDES.to_owned()),
            ("DB_MAX_CONNECTIONS", "12".to_owned()),
            ("CIEL_SERVED_BY", name.clone()),
            ("LOG_FORMAT", "json".to_owned()),
            ("RUST_LOG", "info".to_owned()),
            ("MEDIA_WORKER_CONCURRENCY", "2".to_owned()),
            ("OUTBOX_POLL_MS", "500".to_owned()),
            // Accounts live for the whole run (their tokens are reused as inviters').
            ("ACCESS_TTL_MINUTES", "180".to_owned()),
        ];
        for (k, v) in shared {
            env.insert(k.to_owned(), v);
        }
        env.insert(
            "HTTP_ADDR".to_owned(),
            format!("127.0.0.1:{}", port.unwrap_or(0)),
        );
        let binary = crate::root().join(format!("target/debug/ciel-{kind}"));
        Instance {
            log: self.logs_dir.join(format!("{name}.log")),
            name,
            binary,
            env,
            port,
            child: None,
        }
    }

    fn find(&mut self, name: &str) -> Result<&mut Instance> {
        self.instances
            .iter_mut()
            .find(|i| i.name == name)
            .with_context(|| format!("no instance {name}"))
    }

    /// SIGKILLs `name`.
    pub fn kill(&mut self, name: &str) -> Result<()> {
        self.find(name)?.kill();
        Ok(())
    }

    /// Starts `name` again and waits until it is up.
    pub async fn restart(&mut self, name: &str) -> Result<()> {
        let instance = self.find(name)?;
        instance.start()?;
        instance.wait_ready().await
    }

    /// The nginx front, `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.nginx.as_ref().map(Nginx::base_url).unwrap_or_default()
    }

    /// The admin token every API shares.
    pub fn admin_token(&self) -> String {
        self.admin_token.clone()
    }

    /// The services' state directory.
    pub fn services_dir(&self) -> &Path {
        &self.services_dir
    }

    /// A services variable (DATABASE_URL, RABBITMQ_NODENAME, …).
    pub fn service_var(&self, key: &str) -> Result<String> {
        self.var(key)
    }

    /// The media queue on the shared broker.
    pub fn rabbit_config(&self) -> Result<RabbitConfig> {
        Ok(RabbitConfig::new(self.var("AMQP_URL")?, "ciel.media")?
            .with_connection_name("ciel-xtask-soak"))
    }

    /// The object store the APIs use, built from an API's configuration.
    pub fn object_store(&self) -> Result<std::sync::Arc<dyn ciel_domain::ports::ObjectStore>> {
        let env = &self.instances.first().context("no api instance")?.env;
        let map: std::collections::HashMap<String, String> =
            env.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        let config = ciel_runtime::Config::from_map(&map).map_err(|e| anyhow::anyhow!("{e}"))?;
        ciel_runtime::wiring::object_store(&config).map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// Stops everything: instances gracefully, nginx, then the services (their logs are copied
    /// to the logs directory first, since stopping removes their state directory). Returns
    /// every log file by name.
    pub async fn down(&mut self) -> Vec<(String, PathBuf)> {
        let mut logs = Vec::new();
        for instance in &mut self.instances {
            instance.terminate().await;
            logs.push((instance.name.clone(), instance.log.clone()));
        }
        if let Some(mut nginx) = self.nginx.take() {
            nginx.stop();
            logs.extend(nginx.logs());
        }
        for (name, from) in [
            ("postgres", "pg/pg.log"),
            ("redis", "redis/redis.log"),
            ("s3s-fs", "s3/s3s-fs.log"),
        ] {
            logs.extend(self.keep_log(name, &self.services_dir.join(from)));
        }
        let rabbit_logs = self.services_dir.join("rabbitmq/log");
        if let Ok(entries) = std::fs::read_dir(&rabbit_logs) {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "log") {
                    logs.extend(self.keep_log("rabbitmq", &path));
                }
            }
        }
        if let Err(e) = services::stop(&self.services_dir) {
            eprintln!("soak: stopping the services: {e:#}");
        }
        logs
    }

    fn keep_log(&self, name: &str, from: &Path) -> Option<(String, PathBuf)> {
        let file = from.file_name()?;
        let to = self.logs_dir.join(file);
        std::fs::copy(from, &to).ok()?;
        Some((name.to_owned(), to))
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for instance in &mut self.instances {
            instance.kill();
        }
        if let Some(mut nginx) = self.nginx.take() {
            nginx.stop();
        }
    }
}

/// A key that stays the same across restarts within this run (both instances must accept each
/// other's tokens).
fn key_for(which: &str) -> String {
    use std::sync::OnceLock;
    static KEYS: OnceLock<(String, String)> = OnceLock::new();
    let (access, refresh) = KEYS.get_or_init(|| (random_b64_key(), random_b64_key()));
    if which == "access" {
        access.clone()
    } else {
        refresh.clone()
    }
}
