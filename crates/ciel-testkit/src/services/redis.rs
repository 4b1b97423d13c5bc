//! Throwaway Redis: daemonized `redis-server` without persistence, ready when PING answers PONG.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::down::MARKER_VAR;
use super::install;
use super::lifecycle::Ctx;
use super::ports::{PortPool, redis_pong};
use super::process::{run_logged, wait_until};

pub(crate) struct Redis {
    port: u16,
    bin: PathBuf,
}

impl Redis {
    pub(crate) fn plan(_ctx: &Ctx, ports: &mut PortPool) -> Result<Self> {
        let bin = install::redis_server().context(
            "redis-server not found; run `cargo xtask services up` as root (it installs redis-server) \
             or `apt-get install redis-server`",
        )?;
        Ok(Redis {
            port: ports.take()?,
            bin,
        })
    }

    pub(crate) fn log_files(&self, ctx: &Ctx) -> Vec<PathBuf> {
        vec![
            base(ctx).join("redis-server.out"),
            base(ctx).join("redis.log"),
        ]
    }

    pub(crate) fn start(&self, ctx: &Ctx) -> Result<Vec<(String, String)>> {
        let b = base(ctx);
        std::fs::create_dir_all(&b)?;
        let port = self.port;
        let mut cmd = Command::new(&self.bin);
        cmd.args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--daemonize", "yes", "--save", "", "--appendonly", "no"])
            // Keep argv and environ readable in /proc (the title rewrite overwrites both), so
            // down.sh can recognise the daemon by CIEL_SERVICES_DIR before its pid file exists.
            .args(["--set-proc-title", "no"])
            .arg("--dir")
            .arg(&b)
            .arg("--pidfile")
            .arg(b.join("redis.pid"))
            .arg("--logfile")
            .arg(b.join("redis.log"))
            .env(MARKER_VAR, &ctx.dir);
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        // With --daemonize the launcher returns as soon as it has forked.
        run_logged(
            &mut cmd,
            &b.join("redis-server.out"),
            Duration::from_secs(30),
            "redis-server",
        )?;
        if !wait_until(Duration::from_secs(15), Duration::from_millis(10), || {
            redis_pong(port)
        }) {
            bail!("redis-server on port {port} did not answer PING within 15 s");
        }
        Ok(vec![(
            "REDIS_URL".into(),
            format!("redis://127.0.0.1:{port}/"),
        )])
    }

    pub(crate) fn down_sh(&self) -> String {
        format!(
            "# redis (port {})\nstop_pid \"$D/redis/redis.pid\" TERM redis-server\n",
            self.port
        )
    }
}

fn base(ctx: &Ctx) -> PathBuf {
    ctx.dir.join("redis")
}
