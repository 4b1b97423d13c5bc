//! What the soak prints: a progress line every 5 s, then requests, error rate and p50/p99 by
//! phase and by operation, which instance served how much, the unexpected answers, the audit,
//! and where every log is.

use super::audit::Check;
use super::client::{Sample, Stats};
use super::ledger::Ledger;
use super::phase::PhaseClock;
use super::probe::Probe;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

/// Prints progress every 5 s until aborted.
pub fn spawn_progress(
    stats: Arc<Stats>,
    ledger: Arc<Ledger>,
    phases: PhaseClock,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut last = 0;
        loop {
            tokio::time::sleep(Duration::from_secs(5)).await;
            let n = stats.count();
            let c = ledger.counts();
            println!(
                "  [{:>5.1} s] {:<14} {n:>6} requests ({:>4.0}/s), {} unexpected | users {} posts {} uploads {} likes {} comments {} follows {}",
                phases.elapsed_secs(),
                phases.current(),
                (n - last) as f64 / 5.0,
                stats.unexpected_count(),
                c.users,
                c.posts,
                c.uploads,
                c.likes,
                c.comments,
                c.follows
            );
            last = n;
        }
    })
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

struct Row {
    n: usize,
    non2xx: usize,
    gateway: usize,
    server: usize,
    unexpected: usize,
    ms: Vec<f64>,
}

fn table<'a>(title: &str, groups: impl Iterator<Item = (&'a str, Vec<&'a Sample>)>) {
    println!();
    println!(
        "{title:<16} {:>7} {:>7} {:>6} {:>6} {:>6} {:>9} {:>9}",
        "requests", "non-2xx", "gw/tx", "5xx", "unexp", "p50 ms", "p99 ms"
    );
    for (name, samples) in groups {
        let mut row = Row {
            n: samples.len(),
            non2xx: 0,
            gateway: 0,
            server: 0,
            unexpected: 0,
            ms: samples.iter().map(|s| s.ms).collect(),
        };
        for s in &samples {
            let ok = (200..300).contains(&s.status);
            row.non2xx += usize::from(!ok);
            row.gateway += usize::from(s.status == 0 || (s.served_by.is_none() && s.status >= 500));
            row.server += usize::from(s.served_by.is_some() && s.status >= 500);
            row.unexpected += usize::from(s.unexpected);
        }
        row.ms.sort_by(f64::total_cmp);
        println!(
            "{name:<16} {:>7} {:>6.2}% {:>6} {:>6} {:>6} {:>9.1} {:>9.1}",
            row.n,
            100.0 * row.non2xx as f64 / row.n.max(1) as f64,
            row.gateway,
            row.server,
            row.unexpected,
            percentile(&row.ms, 0.5),
            percentile(&row.ms, 0.99)
        );
    }
}

/// The request tables and the ledger's counts.
pub fn print_summary(stats: &Stats, ledger: &Ledger) {
    let samples = stats.samples();
    let mut phases: Vec<&'static str> = Vec::new();
    for s in &samples {
        if !phases.contains(&s.phase) {
            phases.push(s.phase);
        }
    }
    let by = |f: &dyn Fn(&Sample) -> &'static str, key: &str| -> Vec<&Sample> {
        samples.iter().filter(|s| f(s) == key).collect()
    };
    println!();
    println!(
        "== requests (non-2xx includes expected 4xx; gw/tx = nginx 5xx or transport errors; 5xx = from an API)"
    );
    let mut groups: Vec<(&str, Vec<&Sample>)> = phases
        .iter()
        .map(|p| (*p, by(&|s: &Sample| s.phase, p)))
        .collect();
    groups.push(("ALL", samples.iter().collect()));
    table("phase", groups.into_iter());

    let mut ops: Vec<&'static str> = samples.iter().map(|s| s.op).collect();
    ops.sort();
    ops.dedup();
    table(
        "operation",
        ops.iter().map(|o| (*o, by(&|s: &Sample| s.op, o))),
    );

    let mut served: BTreeMap<String, usize> = BTreeMap::new();
    for s in &samples {
        if let Some(by) = &s.served_by {
            *served.entry(by.clone()).or_default() += 1;
        }
    }
    println!();
    println!(
        "served by: {}",
        served
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let c = ledger.counts();
    println!(
        "acknowledged writes: {} sign-ups, {} follows, {} posts, {} likes, {} comments, {} uploads completed",
        c.users, c.follows, c.posts, c.likes, c.comments, c.uploads
    );
    let unexpected = stats.unexpected();
    if !unexpected.is_empty() {
        println!();
        println!("== {} unexpected answer(s) (first 20)", unexpected.len());
        for u in unexpected.iter().take(20) {
            println!(
                "  {:<14} {:<16} {:>3}  {}",
                u.phase, u.op, u.status, u.detail
            );
        }
    }
}

/// The audit and the probe; whether everything held.
pub fn print_audit(checks: &[Check], probe: &Probe) -> bool {
    println!();
    println!("== audit");
    let mut ok = true;
    for c in checks {
        ok &= c.ok;
        println!(
            "  [{}] {}: {}",
            if c.ok { " ok " } else { "FAIL" },
            c.name,
            c.detail
        );
    }
    let held = probe.held();
    ok &= held;
    println!(
        "  [{}] rate limit held across both instances: {}",
        if held { " ok " } else { "FAIL" },
        probe.describe()
    );
    ok
}

/// Where every log is.
pub fn print_logs(logs: &[(String, PathBuf)]) {
    println!();
    println!("== logs");
    for (name, path) in logs {
        println!("  {name:<14} {}", path.display());
    }
}
