//! `cargo xtask soak [--minutes N] [--quick] [--seed S]`: the scale-out and fault run. Two
//! `ciel-api` behind nginx, two `ciel-worker`, shared Postgres/Redis/RabbitMQ/S3 on loopback; a
//! seeded mixed workload; SIGKILLs, a Redis outage and a broker restart on a schedule; then an
//! audit, as code, that every acknowledged write is in Postgres and S3. Exits non-zero on any loss.

mod audit;
mod client;
mod cluster;
mod faults;
mod images;
mod ledger;
mod nginx;
mod phase;
mod poison;
mod probe;
mod report;
mod workload;

use anyhow::{Context, Result, bail};
use std::sync::Arc;
use std::time::{Duration, Instant};

const USAGE: &str = "usage: cargo xtask soak [--minutes N] [--quick] [--seed S]";

/// What the command line asked for.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Length of the load phase.
    pub duration: Duration,
    /// The workload's seed.
    pub seed: u64,
    /// Concurrent virtual clients.
    pub clients: usize,
}

fn parse(args: &[&str]) -> Result<Options> {
    let mut minutes: f64 = 3.0;
    let mut seed: u64 = 1;
    let mut clients = 8;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match *arg {
            "--quick" => {
                minutes = 1.0;
                clients = 6;
            }
            "--minutes" => {
                let v = it.next().context(USAGE)?;
                minutes = v
                    .parse()
                    .ok()
                    .filter(|m: &f64| (0.5..=120.0).contains(m))
                    .with_context(|| format!("--minutes {v}: a number from 0.5 to 120; {USAGE}"))?;
            }
            "--seed" => {
                let v = it.next().context(USAGE)?;
                seed = v
                    .parse()
                    .with_context(|| format!("--seed {v}: not a number; {USAGE}"))?;
            }
            other => bail!("unknown option {other:?}; {USAGE}"),
        }
    }
    Ok(Options {
        duration: Duration::from_secs_f64(minutes * 60.0),
        seed,
        clients,
    })
}

/// Runs the soak.
pub fn run(args: &[&str]) -> Result<()> {
    let options = parse(args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let passed = runtime.block_on(soak(options))?;
    if !passed {
        bail!("soak: FAILED (see the audit and the unexpected responses above)");
    }
    println!("soak: PASSED");
    Ok(())
}

async fn soak(options: Options) -> Result<bool> {
    let started = Instant::now();
    println!(
        "soak: {:.1} min of load, seed {}, {} clients",
        options.duration.as_secs_f64() / 60.0,
        options.seed,
        options.clients
    );
    let mut cluster = cluster::Cluster::up().await?;
    let outcome = drive(&mut cluster, options).await;
    let logs = cluster.down().await;
    let passed = match outcome {
        Ok(passed) => passed,
        Err(e) => {
            report::print_logs(&logs);
            return Err(e);
        }
    };
    report::print_logs(&logs);
    println!("soak: {:.0} s in all", started.elapsed().as_secs_f64());
    Ok(passed)
}

/// The load, the faults and the audit, against a running cluster.
async fn drive(cluster: &mut cluster::Cluster, options: Options) -> Result<bool> {
    let phases = phase::PhaseClock::new("steady");
    let stats = Arc::new(client::Stats::default());
    let http = client::Client::new(
        cluster.base_url(),
        cluster.admin_token(),
        phases.clone(),
        stats.clone(),
    )?;
    let poison = poison::Poison::new(cluster.rabbit_config()?, options.seed);
    poison.inject(2).await?;

    let ledger = Arc::new(ledger::Ledger::default());
    let deadline = Instant::now() + options.duration;
    let load = workload::start(&http, &ledger, options);
    let progress = report::spawn_progress(stats.clone(), ledger.clone(), phases.clone());

    let plan = faults::Plan::for_duration(options.duration);
    let faults = faults::run(cluster, &phases, &plan, &poison).await;
    let end = deadline.max(Instant::now() + Duration::from_secs(10));
    tokio::time::sleep_until(end.into()).await;
    phases.set("drain");
    workload::join(load).await;
    faults?;
    progress.abort();

    phases.set("probe");
    let probe = probe::login_burst(&http, options.seed).await;
    let audit = audit::run(cluster, &ledger, &poison).await?;

    report::print_summary(&stats, &ledger);
    let mut passed = report::print_audit(&audit, &probe);
    passed &= stats.unexpected_count() == 0;
    Ok(passed)
}
