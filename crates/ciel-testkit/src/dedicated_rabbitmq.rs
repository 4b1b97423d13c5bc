//! A RabbitMQ node that belongs to one test and can be stopped and started again (same node,
//! ports and data), to show what the application does while the broker is away and after it
//! comes back. Booted by the same code as the shared test node; killed when dropped.

use crate::env::workspace_root;
use crate::services::{self, Ctx, RabbitMq, ServiceKind, port_open};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The longest `rabbitmqctl stop_app` / `start_app` may take (both usually take 1–3 s).
const CTL_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the AMQP port may take to close after `stop_app` or to open after `start_app`.
const PORT_TIMEOUT: Duration = Duration::from_secs(15);

/// One node `ciel<PORT>@localhost` with its own AMQP and distribution ports, no management
/// plugin (it makes `stop_app` take ~9 s instead of ~2 s), and its state in
/// `target/ciel-test-services/PID-rabbitmq-own-N/`.
pub struct DedicatedRabbitMq {
    node: Arc<Node>,
}

struct Node {
    ctx: Ctx,
    rabbit: RabbitMq,
    amqp_url: String,
}

impl DedicatedRabbitMq {
    /// Boots a node of its own (several seconds). A watchdog kills it should this test process
    /// die before the node is dropped. Panics with the reason (and the node's logs) when it
    /// cannot start.
    pub async fn start() -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let target = workspace_root().join("target");
        let dir: PathBuf = target.join("ciel-test-services").join(format!(
            "{}-rabbitmq-own-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let boot = move || {
            // The watchdog comes first, so a process killed while the node boots leaks nothing.
            services::ensure_installed(&[ServiceKind::RabbitMq], &target)
                .and_then(|()| services::spawn_watchdog(&dir, std::process::id()))
                .and_then(|()| services::start_rabbitmq(&dir))
        };
        let (ctx, rabbit, env) = tokio::task::spawn_blocking(boot)
            .await
            .expect("the boot thread")
            .unwrap_or_else(|e| panic!("could not start a RabbitMQ node for this test: {e:#}"));
        let amqp_url = env.get("AMQP_URL").expect("AMQP_URL").to_owned();
        Self {
            node: Arc::new(Node {
                ctx,
                rabbit,
                amqp_url,
            }),
        }
    }

    /// `amqp://guest:guest@127.0.0.1:PORT/%2f`.
    pub fn amqp_url(&self) -> &str {
        &self.node.amqp_url
    }

    /// Stops the broker (`rabbitmqctl stop_app`: the Erlang node stays, RabbitMQ inside it
    /// stops, every connection is closed) and waits until its AMQP port refuses connections.
    pub async fn stop(&self) {
        self.ctl("stop_app").await;
        let port = self.node.rabbit.amqp_port();
        let closed = wait_for(move || !port_open(port)).await;
        assert!(closed, "AMQP port {port} still accepts after stop_app");
    }

    /// Starts the broker again (`rabbitmqctl start_app`, same ports and data) and waits until
    /// its AMQP port accepts connections.
    pub async fn resume(&self) {
        self.ctl("start_app").await;
        let port = self.node.rabbit.amqp_port();
        let open = wait_for(move || port_open(port)).await;
        assert!(open, "AMQP port {port} does not accept after start_app");
    }

    async fn ctl(&self, action: &'static str) {
        let node = Arc::clone(&self.node);
        tokio::task::spawn_blocking(move || node.rabbit.ctl(&node.ctx, &[action], CTL_TIMEOUT))
            .await
            .expect("the rabbitmqctl thread")
            .unwrap_or_else(|e| panic!("{e:#}"));
    }
}

/// Polls `ready` (a blocking probe, so off the runtime's threads) every 50 ms for up to
/// [`PORT_TIMEOUT`].
async fn wait_for(ready: impl Fn() -> bool + Send + Clone + 'static) -> bool {
    let deadline = Instant::now() + PORT_TIMEOUT;
    loop {
        let probe = ready.clone();
        if tokio::task::spawn_blocking(probe)
            .await
            .expect("the probe thread")
        {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

impl Drop for DedicatedRabbitMq {
    fn drop(&mut self) {
        // down.sh: SIGKILL to the node, then its directory goes (the watchdog then has nothing
        // left to do).
        if let Err(e) = services::stop(&self.node.ctx.dir) {
            eprintln!("stopping the test's RabbitMQ node: {e:#}");
        }
    }
}
