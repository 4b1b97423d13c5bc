//! `cargo xtask bench media-e2e`: the latency a client sees from `complete` to `completed` for a
//! 12 MP JPEG, end to end, with an idle worker.
//!
//! Starts throwaway Postgres, Redis, RabbitMQ and S3 (s3s-fs), a release `ciel-api` in
//! `combined` mode (the API and the media worker in one process, as a small deployment runs
//! it), signs a user up, then N times, one upload after the other: upload intent, presigned PUT
//! of the same 4000×3000 JPEG (not timed), then `POST …/complete` and polling
//! `GET …/status` every 10 ms until `completed` (timed). Prints p50/p90/p99/max against the
//! target (p99 ≤ 5 s) and the worker's own mean job time from `media_job_duration_seconds`.
//! Progress goes to stderr, the table to stdout (as the other benches print theirs).
//!
//! Arguments: `--uploads N` (default 40).

use super::harness::{Api, BENCH_ADMIN_TOKEN, BenchServices, api_env, build_release_api, user};
use anyhow::{Context, Result, bail};
use ciel_testkit::photos::{PhotoFormat, photo_file};
use ciel_testkit::services::ServiceKind;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// The latency target of issue 8 (shipped clients stop polling after about 85 s).
const TARGET_P99: Duration = Duration::from_secs(5);
const POLL_EVERY: Duration = Duration::from_millis(10);

/// Runs the bench.
pub fn run(args: &[&str]) -> Result<()> {
    let uploads: usize = match args {
        [] => 40,
        ["--uploads", n] => n.parse().context("--uploads takes a whole number")?,
        _ => bail!("usage: cargo xtask bench media-e2e [--uploads N]"),
    };
    if uploads == 0 {
        bail!("--uploads must be at least 1");
    }
    let binary = build_release_api()?;
    let services = BenchServices::start_kinds(&[
        ServiceKind::Postgres,
        ServiceKind::Redis,
        ServiceKind::RabbitMq,
        ServiceKind::S3,
    ])?;
    let rt = tokio::runtime::Runtime::new()?;
    let database_url = services
        .env
        .get("DATABASE_URL")
        .context("DATABASE_URL")?
        .to_owned();
    rt.block_on(ciel_storage::run_pending(&database_url))?;
    let mut env = api_env(
        &services,
        &[("APP_MODE", "combined"), ("RATE_LIMIT_ENABLED", "false")],
    );
    for key in [
        "S3_ENDPOINT",
        "S3_BUCKET",
        "S3_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AMQP_URL",
    ] {
        let value = services.env.get(key).with_context(|| key.to_owned())?;
        env.insert(key.to_owned(), value.to_owned());
    }
    let api = Api::start(&binary, &env)?;
    let (_, token) = user(&api, "bench", "BenchPassw0rd")?;
    eprintln!("bench: encoding the 12 MP JPEG …");
    let jpeg = photo_file(4000, 3000, PhotoFormat::Jpeg);
    eprintln!(
        "bench: {uploads} uploads of a 4000x3000 JPEG ({:.1} MiB), one after the other …",
        jpeg.len() as f64 / 1_048_576.0
    );
    let client = reqwest::Client::new();
    let mut latencies = Vec::with_capacity(uploads);
    for i in 0..uploads {
        let latency = rt.block_on(one_upload(&client, &api.base, &token, &jpeg))?;
        eprintln!(
            "  upload {:>3}: {:>6.0} ms",
            i + 1,
            latency.as_secs_f64() * 1e3
        );
        latencies.push(latency);
    }
    let job_mean = rt.block_on(mean_job_seconds(&client, &api.base))?;
    report(&mut latencies, jpeg.len(), job_mean);
    Ok(())
}

/// Intent and PUT (untimed), then complete → `completed` (timed).
async fn one_upload(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    jpeg: &[u8],
) -> Result<Duration> {
    let bearer = format!("Bearer {token}");
    let intent: Value = client
        .post(format!("{base}/v1/media/upload"))
        .header("authorization", &bearer)
        .json(&json!({"content_type": "image/jpeg", "bytes": jpeg.len()}))
        .send()
        .await?
        .error_for_status()
        .context("upload intent")?
        .json()
        .await?;
    let id = intent["upload_id"]
        .as_str()
        .context("upload_id")?
        .to_owned();
    let mut put = client.put(intent["upload_url"].as_str().context("upload_url")?);
    for h in intent["headers"].as_array().context("headers")? {
        put = put.header(
            h["name"].as_str().context("header name")?,
            h["value"].as_str().context("header value")?,
        );
    }
    put.body(jpeg.to_vec())
        .send()
        .await?
        .error_for_status()
        .context("presigned PUT")?;

    let started = Instant::now();
    let res = client
        .post(format!("{base}/v1/media/upload/{id}/complete"))
        .header("authorization", &bearer)
        .send()
        .await?;
    if res.status() != 202 {
        bail!("complete answered {}", res.status());
    }
    loop {
        let status: Value = client
            .get(format!("{base}/v1/media/upload/{id}/status"))
            .header("authorization", &bearer)
            .send()
            .await?
            .error_for_status()
            .context("status")?
            .json()
            .await?;
        match status["status"].as_str() {
            Some("completed") => return Ok(started.elapsed()),
            Some("failed") => bail!("upload {id} failed"),
            _ if started.elapsed() > Duration::from_secs(120) => {
                bail!("upload {id} not completed after 120 s")
            }
            _ => tokio::time::sleep(POLL_EVERY).await,
        }
    }
}

/// `media_job_duration_seconds{outcome="completed"}` sum / count from the API's `/metrics`
/// (the histogram is labelled by outcome, so the unlabelled name never has a sample).
async fn mean_job_seconds(client: &reqwest::Client, base: &str) -> Result<Option<f64>> {
    let text = client
        .get(format!("{base}/metrics"))
        .header("x-admin-token", BENCH_ADMIN_TOKEN)
        .send()
        .await?
        .text()
        .await?;
    let sample = |name: &str| -> Option<f64> {
        text.lines().find_map(|l| {
            l.strip_prefix(name)?
                .trim_start()
                .strip_prefix(r#"{outcome="completed"}"#)?
                .trim()
                .parse()
                .ok()
        })
    };
    Ok(
        match (
            sample("media_job_duration_seconds_sum"),
            sample("media_job_duration_seconds_count"),
        ) {
            (Some(sum), Some(count)) if count > 0.0 => Some(sum / count),
            _ => None,
        },
    )
}

/// The `q` quantile (nearest rank) of sorted `values`.
fn quantile(sorted: &[Duration], q: f64) -> Duration {
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn report(latencies: &mut [Duration], bytes: usize, job_mean: Option<f64>) {
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let p99 = quantile(latencies, 0.99);
    println!();
    println!(
        "media-e2e: complete → completed, 4000x3000 JPEG ({bytes} bytes), {} uploads, idle \
         combined worker (release)",
        latencies.len()
    );
    println!("  p50  {:>7.0} ms", ms(quantile(latencies, 0.50)));
    println!("  p90  {:>7.0} ms", ms(quantile(latencies, 0.90)));
    println!(
        "  p99  {:>7.0} ms   target ≤ {:.0} ms: {}",
        ms(p99),
        ms(TARGET_P99),
        if p99 <= TARGET_P99 { "met" } else { "MISSED" }
    );
    println!(
        "  max  {:>7.0} ms",
        ms(*latencies.last().expect("at least one"))
    );
    if let Some(mean) = job_mean {
        println!(
            "  worker's mean job time (media_job_duration_seconds): {:.0} ms",
            mean * 1e3
        );
    } else {
        println!("  worker's mean job time: no completed job in /metrics");
    }
    if latencies.len() < 100 {
        println!(
            "  (with fewer than 100 uploads, p99 is the slowest upload; --uploads N for more)"
        );
    }
}
