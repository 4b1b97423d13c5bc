//! Throwaway PostgreSQL 15 cluster: initdb (trust auth) + `pg_ctl start`, database `ciel`.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};

use super::down::MARKER_VAR;
use super::install;
use super::lifecycle::Ctx;
use super::ports::PortPool;
use super::process::{chown_to, path_str, run_logged, sh_quote};

/// Unix socket paths are limited to 107 bytes; `/.s.PGSQL.NNNNN` adds 15.
const MAX_SOCKET_DIR_LEN: usize = 90;

pub(crate) struct Postgres {
    port: u16,
    bin: PathBuf,
    psql: PathBuf,
    /// Where the Unix socket goes: `DIR/pg`, or `/tmp/ciel-pg-PORT` when that path is too long.
    socket_dir: PathBuf,
    socket_dir_is_tmp: bool,
}

impl Postgres {
    pub(crate) fn plan(ctx: &Ctx, ports: &mut PortPool) -> Result<Self> {
        let bin = install::pg_bin().with_context(|| {
            format!(
                "PostgreSQL 15 is not installed ({}/initdb missing); run `cargo xtask services up` as root \
                 (it installs postgresql-15) or `apt-get install postgresql-15`",
                install::PG_BIN
            )
        })?;
        let psql = install::psql().context(
            "psql not found; run `cargo xtask services up` as root or `apt-get install postgresql-client-15`",
        )?;
        let port = ports.take()?;
        let own = base(ctx);
        let own_str = path_str(&own)?;
        let (socket_dir, socket_dir_is_tmp) =
            if own_str.len() > MAX_SOCKET_DIR_LEN || sh_quote(own_str) != own_str {
                (PathBuf::from(format!("/tmp/ciel-pg-{port}")), true)
            } else {
                (own, false)
            };
        Ok(Postgres {
            port,
            bin,
            psql,
            socket_dir,
            socket_dir_is_tmp,
        })
    }

    /// Runs a PostgreSQL server binary, as user `postgres` when we are root (initdb refuses root).
    fn pg_cmd(&self, ctx: &Ctx, tool: &str) -> Command {
        let tool = self.bin.join(tool);
        if ctx.root {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(tool);
            cmd
        } else {
            Command::new(tool)
        }
    }

    pub(crate) fn log_files(&self, ctx: &Ctx) -> Vec<PathBuf> {
        let b = base(ctx);
        ["initdb.log", "pg_ctl.log", "pg.log", "psql.log"]
            .iter()
            .map(|f| b.join(f))
            .collect()
    }

    pub(crate) fn start(&self, ctx: &Ctx) -> Result<Vec<(String, String)>> {
        let b = base(ctx);
        std::fs::create_dir_all(&b)?;
        if self.socket_dir_is_tmp {
            // A leftover from a dead cluster on the same port would only hold stale files.
            let _ = std::fs::remove_dir_all(&self.socket_dir);
            std::fs::create_dir(&self.socket_dir)
                .with_context(|| format!("cannot create {}", self.socket_dir.display()))?;
        }
        if ctx.root {
            chown_to("postgres", &b)?;
            if self.socket_dir_is_tmp {
                chown_to("postgres", &self.socket_dir)?;
            }
        }
        let data = b.join("data");
        let mut initdb = self.pg_cmd(ctx, "initdb");
        initdb
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ])
            .args(["--no-sync", "--no-instructions"]);
        run_logged(
            &mut initdb,
            &b.join("initdb.log"),
            Duration::from_secs(120),
            "initdb",
        )?;

        let port = self.port;
        // pg_ctl hands -o to /bin/sh, hence the quoting of the socket path.
        // pg_stat_statements is loaded (not enabled in any database until `CREATE EXTENSION`)
        // so that benches can read statements and Postgres time per request.
        let opts = format!(
            "-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} \
             -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 \
             -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on",
            sh_quote(path_str(&self.socket_dir)?)
        );
        let mut pg_ctl = self.pg_cmd(ctx, "pg_ctl");
        pg_ctl
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(b.join("pg.log"))
            .args(["-w", "-t", "60", "-o", &opts, "start"])
            .env(MARKER_VAR, &ctx.dir);
        // The postmaster must outlive us: keep it out of our process group.
        std::os::unix::process::CommandExt::process_group(&mut pg_ctl, 0);
        run_logged(
            &mut pg_ctl,
            &b.join("pg_ctl.log"),
            Duration::from_secs(90),
            "pg_ctl start",
        )?;

        let mut psql = Command::new(&self.psql);
        psql.args([
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "-U",
            "postgres",
            "-d",
            "postgres",
        ])
        .args(["-v", "ON_ERROR_STOP=1", "-qc", "create database ciel"])
        .env("PGCONNECT_TIMEOUT", "10")
        .env_remove("PGSERVICE")
        .env_remove("PGSSLMODE")
        .env_remove("PGOPTIONS");
        run_logged(
            &mut psql,
            &b.join("psql.log"),
            Duration::from_secs(60),
            "psql -c 'create database ciel'",
        )?;

        Ok(vec![
            (
                "DATABASE_URL".into(),
                format!("postgres://postgres@127.0.0.1:{port}/ciel"),
            ),
            (
                "DATABASE_ADMIN_URL".into(),
                format!("postgres://postgres@127.0.0.1:{port}/postgres"),
            ),
        ])
    }

    /// down.sh lines: immediate shutdown (no checkpoint wait), SIGKILL as a fallback.
    pub(crate) fn down_sh(&self, ctx: &Ctx) -> Result<String> {
        let runuser = if ctx.root {
            "runuser -u postgres -- "
        } else {
            ""
        };
        let pg_ctl = sh_quote(path_str(&self.bin.join("pg_ctl"))?);
        let mut s = format!(
            "# postgres (port {port})\n\
             if [ -f \"$D/pg/data/postmaster.pid\" ]; then\n\
             \x20 {runuser}{pg_ctl} -D \"$D/pg/data\" -m immediate -w -t 10 stop >/dev/null 2>&1 \\\n\
             \x20   || stop_pid \"$D/pg/data/postmaster.pid\" KILL postgres\n\
             fi\n",
            port = self.port
        );
        if self.socket_dir_is_tmp {
            s.push_str(&format!(
                "rm -rf {}\n",
                sh_quote(path_str(&self.socket_dir)?)
            ));
        }
        Ok(s)
    }
}

fn base(ctx: &Ctx) -> PathBuf {
    ctx.dir.join("pg")
}
