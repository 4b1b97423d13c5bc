//! The fault schedule: SIGKILL one API and one worker and start them again; stop Redis for 20 s
//! and start it again; restart RabbitMQ. Each fault is a phase, so its errors and latency are
//! reported apart.

use super::cluster::Cluster;
use super::phase::PhaseClock;
use super::poison::Poison;
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// How long Redis stays down.
const REDIS_OUTAGE: Duration = Duration::from_secs(20);
/// How long the killed instances stay dead before they are started again.
const DEAD_TIME: Duration = Duration::from_secs(3);
/// How long the broker's application stays stopped.
const BROKER_OUTAGE: Duration = Duration::from_secs(5);

/// When each fault starts, from the beginning of the load.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    kill_at: Duration,
    redis_at: Duration,
    rabbit_at: Duration,
}

impl Plan {
    /// The schedule for a load phase of `total`: kills at 12 %, Redis at 30 %, the broker at
    /// 65 % (never before Redis is back). The load goes on until at least 10 s after the last
    /// fault is over, however long the faults took.
    pub fn for_duration(total: Duration) -> Self {
        let redis_at = total.mul_f64(0.3);
        Self {
            kill_at: total.mul_f64(0.12),
            redis_at,
            rabbit_at: total
                .mul_f64(0.65)
                .max(redis_at + REDIS_OUTAGE + Duration::from_secs(2)),
        }
    }
}

/// Runs the schedule (returns when the last fault is over).
pub async fn run(
    cluster: &mut Cluster,
    phases: &PhaseClock,
    plan: &Plan,
    poison: &Poison,
) -> Result<()> {
    let start = Instant::now();
    tokio::time::sleep_until((start + plan.kill_at).into()).await;
    phases.set(super::client::KILL_PHASE);
    cluster.kill("api-1")?;
    cluster.kill("worker-1")?;
    println!(
        "  [{:>5.1} s] SIGKILLed api-1 and worker-1",
        phases.elapsed_secs()
    );
    tokio::time::sleep(DEAD_TIME).await;
    cluster.restart("api-1").await?;
    cluster.restart("worker-1").await?;
    println!(
        "  [{:>5.1} s] api-1 and worker-1 are back",
        phases.elapsed_secs()
    );
    // nginx gives a failed server `fail_timeout` (2 s) before it tries it again.
    tokio::time::sleep(Duration::from_secs(2)).await;
    phases.set("steady");

    tokio::time::sleep_until((start + plan.redis_at).into()).await;
    phases.set("redis-down");
    let redis = RedisProcess::find(cluster.services_dir())?;
    tokio::task::block_in_place(|| redis.stop())?;
    println!("  [{:>5.1} s] Redis stopped", phases.elapsed_secs());
    poison.inject(1).await?;
    tokio::time::sleep(REDIS_OUTAGE).await;
    tokio::task::block_in_place(|| redis.start())?;
    println!("  [{:>5.1} s] Redis is back", phases.elapsed_secs());
    phases.set("steady");

    tokio::time::sleep_until((start + plan.rabbit_at).into()).await;
    phases.set("rabbit-restart");
    let node = cluster.service_var("RABBITMQ_NODENAME")?;
    rabbitmqctl(&node, "stop_app").await?;
    println!(
        "  [{:>5.1} s] RabbitMQ stopped (stop_app)",
        phases.elapsed_secs()
    );
    tokio::time::sleep(BROKER_OUTAGE).await;
    rabbitmqctl(&node, "start_app").await?;
    println!(
        "  [{:>5.1} s] RabbitMQ is back (start_app)",
        phases.elapsed_secs()
    );
    poison.inject(1).await?;
    phases.set("steady");
    Ok(())
}

async fn rabbitmqctl(node: &str, command: &str) -> Result<()> {
    let node = node.to_owned();
    let command = command.to_owned();
    tokio::task::spawn_blocking(move || {
        let out = Command::new("rabbitmqctl")
            .args(["-q", "-n", &node, &command])
            .output()
            .context("running rabbitmqctl")?;
        if !out.status.success() {
            bail!(
                "rabbitmqctl {command} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(())
    })
    .await?
}

/// The services' Redis, as started by `ciel_testkit::services`: stopped by pid and started again
/// with its own command line (same port, same files), still marked as belonging to that state
/// directory so `down.sh` finds it.
struct RedisProcess {
    argv: Vec<String>,
    pid: u32,
    port: u16,
    services_dir: std::path::PathBuf,
}

impl RedisProcess {
    fn find(services_dir: &Path) -> Result<Self> {
        let pid: u32 = std::fs::read_to_string(services_dir.join("redis/redis.pid"))
            .context("reading redis.pid")?
            .trim()
            .parse()
            .context("redis.pid")?;
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline"))
            .with_context(|| format!("reading the command line of redis (pid {pid})"))?;
        let argv: Vec<String> = cmdline
            .split(|b| *b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        let port = argv
            .iter()
            .position(|a| a == "--port")
            .and_then(|i| argv.get(i + 1))
            .and_then(|p| p.parse().ok())
            .context("redis's command line has no --port")?;
        Ok(Self {
            argv,
            pid,
            port,
            services_dir: services_dir.to_owned(),
        })
    }

    fn stop(&self) -> Result<()> {
        Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status()?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while Path::new(&format!("/proc/{}", self.pid)).exists() {
            if Instant::now() > deadline {
                bail!("redis (pid {}) did not stop within 10 s", self.pid);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }

    fn start(&self) -> Result<()> {
        let (bin, args) = self.argv.split_first().context("empty redis argv")?;
        let mut cmd = Command::new(bin);
        cmd.args(args).env("CIEL_SERVICES_DIR", &self.services_dir);
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let status = cmd.status().context("starting redis-server again")?;
        if !status.success() {
            bail!("redis-server exited with {status}");
        }
        let deadline = Instant::now() + Duration::from_secs(15);
        while !ciel_testkit::services::redis_pong(self.port) {
            if Instant::now() > deadline {
                bail!("redis did not answer PING within 15 s of its restart");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_come_in_order_and_redis_is_back_before_the_broker_restarts() {
        for minutes in [0.5, 1.0, 3.0, 10.0] {
            let plan = Plan::for_duration(Duration::from_secs_f64(minutes * 60.0));
            assert!(plan.kill_at + DEAD_TIME < plan.redis_at, "{plan:?}");
            assert!(plan.redis_at + REDIS_OUTAGE < plan.rabbit_at, "{plan:?}");
        }
    }
}
