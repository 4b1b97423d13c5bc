//! Throwaway RabbitMQ node `ciel<PORT>@localhost` with the management plugin (a test's own node
//! goes without), all state under `DIR/rabbitmq`.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::down::MARKER_VAR;
use super::install;
use super::lifecycle::Ctx;
use super::ports::{PortPool, http_answers, port_open};
use super::process::{chown_to, path_str, run_capture, run_logged, wait_until};

pub(crate) struct RabbitMq {
    amqp_port: u16,
    dist_port: u16,
    /// The management plugin's port; `None` for a node without the plugin.
    mgmt_port: Option<u16>,
    server: PathBuf,
    ctl: PathBuf,
}

impl RabbitMq {
    pub(crate) fn plan(ctx: &Ctx, ports: &mut PortPool) -> Result<Self> {
        let hint = "run `cargo xtask services up` as root (it installs rabbitmq-server) \
                    or `apt-get install rabbitmq-server`";
        let server = install::rabbitmq_server()
            .with_context(|| format!("rabbitmq-server not found; {hint}"))?;
        let ctl =
            install::rabbitmqctl().with_context(|| format!("rabbitmqctl not found; {hint}"))?;
        if !ctx.root && !runs_as_rabbitmq() {
            bail!(
                "Debian's rabbitmq-server only runs as root or as user `rabbitmq`; run this as root, \
                 or start a broker yourself and export AMQP_URL (and RABBITMQ_MGMT_URL)"
            );
        }
        Ok(RabbitMq {
            amqp_port: ports.take()?,
            dist_port: ports.take()?,
            mgmt_port: Some(ports.take()?),
            server,
            ctl,
        })
    }

    /// The same node without the management plugin: it boots faster and `stop_app` takes about
    /// 2 s instead of about 9 s (a test's own broker needs AMQP only).
    pub(crate) fn without_management(mut self) -> Self {
        self.mgmt_port = None;
        self
    }

    fn node(&self) -> String {
        format!("ciel{}@localhost", self.amqp_port)
    }

    fn pid_file(ctx: &Ctx) -> PathBuf {
        base(ctx).join("rabbit.pid")
    }

    /// The RABBITMQ_* variables for the server and CLI commands (set on the child, never on us).
    fn envs(&self, ctx: &Ctx) -> Vec<(&'static str, std::ffi::OsString)> {
        let b = base(ctx);
        vec![
            ("RABBITMQ_NODENAME", self.node().into()),
            ("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1".into()),
            ("RABBITMQ_NODE_PORT", self.amqp_port.to_string().into()),
            ("RABBITMQ_DIST_PORT", self.dist_port.to_string().into()),
            ("RABBITMQ_CONFIG_FILE", b.join("rabbitmq.conf").into()),
            (
                "RABBITMQ_ENABLED_PLUGINS_FILE",
                b.join("enabled_plugins").into(),
            ),
            ("RABBITMQ_MNESIA_BASE", b.join("mnesia").into()),
            ("RABBITMQ_LOG_BASE", b.join("log").into()),
            ("RABBITMQ_PID_FILE", Self::pid_file(ctx).into()),
        ]
    }

    pub(crate) fn log_files(&self, ctx: &Ctx) -> Vec<PathBuf> {
        let b = base(ctx);
        vec![
            b.join("rabbitmq-server.out"),
            b.join("rabbitmqctl-wait.out"),
            b.join("log").join(format!("{}.log", self.node())),
        ]
    }

    /// The node's AMQP port on 127.0.0.1.
    pub(crate) fn amqp_port(&self) -> u16 {
        self.amqp_port
    }

    /// Runs `rabbitmqctl -q -n NODE ARGS` with the node's RABBITMQ_* variables (e.g. `stop_app`,
    /// `start_app`), its output appended to `DIR/rabbitmq/rabbitmqctl-ARGS[0].out`; kills it and
    /// fails after `timeout`.
    pub(crate) fn ctl(&self, ctx: &Ctx, args: &[&str], timeout: Duration) -> Result<()> {
        let node = self.node();
        let action = args.first().copied().unwrap_or("none");
        let mut cmd = Command::new(&self.ctl);
        cmd.args(["-q", "-n", &node])
            .args(args)
            .envs(self.envs(ctx));
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        run_logged(
            &mut cmd,
            &base(ctx).join(format!("rabbitmqctl-{action}.out")),
            timeout,
            &format!("rabbitmqctl {} (node {node})", args.join(" ")),
        )
    }

    pub(crate) fn start(&self, ctx: &Ctx) -> Result<Vec<(String, String)>> {
        let b = base(ctx);
        std::fs::create_dir_all(b.join("log"))?;
        std::fs::create_dir_all(b.join("mnesia"))?;
        let mut conf = format!("listeners.tcp.1 = 127.0.0.1:{}\n", self.amqp_port);
        if let Some(mgmt) = self.mgmt_port {
            conf.push_str(&format!(
                "management.tcp.ip = 127.0.0.1\nmanagement.tcp.port = {mgmt}\n"
            ));
        }
        std::fs::write(b.join("rabbitmq.conf"), conf)?;
        let plugins = match self.mgmt_port {
            Some(_) => "[rabbitmq_management].\n",
            None => "[].\n",
        };
        std::fs::write(b.join("enabled_plugins"), plugins)?;
        // Create the launcher logs now so that the chown below covers them too.
        for f in ["rabbitmq-server.out", "rabbitmqctl-wait.out"] {
            std::fs::write(b.join(f), "")?;
        }
        if ctx.root {
            // Debian's wrappers re-run themselves as `rabbitmq` via su; it must own the node's files.
            chown_to("rabbitmq", &b)?;
        }

        let mut server = Command::new(&self.server);
        server
            .arg("-detached")
            .envs(self.envs(ctx))
            .env(MARKER_VAR, &ctx.dir);
        std::os::unix::process::CommandExt::process_group(&mut server, 0);
        run_logged(
            &mut server,
            &b.join("rabbitmq-server.out"),
            Duration::from_secs(60),
            "rabbitmq-server -detached",
        )?;

        // `wait` (unlike await_startup) also copes with a node not yet registered with epmd.
        let node = self.node();
        let pid_file = Self::pid_file(ctx);
        self.ctl(
            ctx,
            &["wait", path_str(&pid_file)?, "--timeout", "60"],
            Duration::from_secs(90),
        )?;

        let amqp = self.amqp_port;
        if !wait_until(Duration::from_secs(15), Duration::from_millis(50), || {
            port_open(amqp)
        }) {
            bail!(
                "RabbitMQ node {node} booted but its AMQP port {amqp} does not accept connections"
            );
        }
        let mut vars = vec![(
            "AMQP_URL".into(),
            format!("amqp://guest:guest@127.0.0.1:{amqp}/%2f"),
        )];
        if let Some(mgmt) = self.mgmt_port {
            if !wait_until(Duration::from_secs(15), Duration::from_millis(50), || {
                http_answers(mgmt)
            }) {
                bail!(
                    "RabbitMQ node {node} booted but its management API on port {mgmt} does not answer"
                );
            }
            vars.push((
                "RABBITMQ_MGMT_URL".into(),
                format!("http://127.0.0.1:{mgmt}"),
            ));
        }
        vars.push(("RABBITMQ_NODENAME".into(), node));
        Ok(vars)
    }

    /// down.sh lines: SIGKILL (a graceful stop takes 7–8 s). epmd is left running on purpose: other
    /// nodes (another test binary's) may be registering with it right now.
    pub(crate) fn down_sh(&self) -> String {
        format!(
            "# rabbitmq (node {}, amqp {}, mgmt {})\nstop_pid \"$D/rabbitmq/rabbit.pid\" KILL beam\n",
            self.node(),
            self.amqp_port,
            self.mgmt_port
                .map_or_else(|| "off".to_owned(), |p| p.to_string())
        )
    }
}

fn base(ctx: &Ctx) -> PathBuf {
    ctx.dir.join("rabbitmq")
}

/// Whether our effective user is `rabbitmq` (the only non-root user the Debian wrappers accept).
fn runs_as_rabbitmq() -> bool {
    let id = |args: &[&str]| run_capture(Command::new("id").args(args), "id").ok();
    match (id(&["-u"]), id(&["-u", "rabbitmq"])) {
        (Some(me), Some(rabbit)) => me.trim() == rabbit.trim(),
        _ => false,
    }
}
