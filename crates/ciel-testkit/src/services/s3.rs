//! Throwaway S3 endpoint: s3s-fs serving `DIR/s3/data` (bucket `ciel-media` is a directory there).

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::down::MARKER_VAR;
use super::install;
use super::lifecycle::Ctx;
use super::ports::{PortPool, http_answers};
use super::process::{log_file, pause};

pub(crate) const ACCESS_KEY: &str = "cieldev";
pub(crate) const SECRET_KEY: &str = "cieldevsecret123";
pub(crate) const BUCKET: &str = "ciel-media";

pub(crate) struct S3 {
    port: u16,
    bin: PathBuf,
}

impl S3 {
    pub(crate) fn plan(_ctx: &Ctx, ports: &mut PortPool) -> Result<Self> {
        let bin = install::s3s_fs().context(
            "s3s-fs not found on PATH, in $CARGO_HOME/bin or in ~/.cargo/bin; run `cargo xtask services up` \
             (it installs it) or `cargo install s3s-fs --version 0.14.1 --features binary --locked`",
        )?;
        Ok(S3 {
            port: ports.take()?,
            bin,
        })
    }

    pub(crate) fn log_files(&self, ctx: &Ctx) -> Vec<PathBuf> {
        vec![base(ctx).join("s3s-fs.log")]
    }

    pub(crate) fn start(&self, ctx: &Ctx) -> Result<Vec<(String, String)>> {
        let b = base(ctx);
        let data = b.join("data");
        std::fs::create_dir_all(data.join(BUCKET))?;
        let log = log_file(&b.join("s3s-fs.log"))?;
        let port = self.port;
        let mut cmd = Command::new(&self.bin);
        cmd.args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY])
            .arg(&data)
            .env(MARKER_VAR, &ctx.dir)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        // Own process group: Ctrl-C in the caller's terminal or the caller's death must not stop it.
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd
            .spawn()
            .with_context(|| format!("cannot run {}", self.bin.display()))?;
        let pid = child.id();
        std::fs::write(b.join("s3s-fs.pid"), format!("{pid}\n"))?;

        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if http_answers(port) {
                break;
            }
            if let Some(status) = child.try_wait()? {
                bail!("s3s-fs exited during startup ({status})");
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                bail!("s3s-fs on port {port} did not answer HTTP within 15 s");
            }
            pause(Duration::from_millis(10));
        }
        // s3s-fs is our direct child: reap it when it is stopped, so that no zombie lingers for as long
        // as we live (a test binary) and down.sh sees it gone. The thread ends with the process.
        std::thread::Builder::new()
            .name(format!("reap-s3s-fs-{pid}"))
            .spawn(move || {
                let _ = child.wait();
            })?;

        Ok(vec![
            ("S3_ENDPOINT".into(), format!("http://127.0.0.1:{port}")),
            ("AWS_ACCESS_KEY_ID".into(), ACCESS_KEY.into()),
            ("AWS_SECRET_ACCESS_KEY".into(), SECRET_KEY.into()),
            ("S3_REGION".into(), "us-east-1".into()),
            ("S3_FORCE_PATH_STYLE".into(), "true".into()),
            ("S3_BUCKET".into(), BUCKET.into()),
        ])
    }

    pub(crate) fn down_sh(&self) -> String {
        format!(
            "# s3 (port {})\nstop_pid \"$D/s3/s3s-fs.pid\" TERM s3s-fs\n",
            self.port
        )
    }
}

fn base(ctx: &Ctx) -> PathBuf {
    ctx.dir.join("s3")
}
