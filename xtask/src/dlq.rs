//! `cargo xtask dlq list|replay [--limit N]`: inspect and re-queue dead-lettered media jobs on
//! the broker at `AMQP_URL`, queue `AMQP_MEDIA_QUEUE` (default `ciel.media`; its dead letters
//! are in `<queue>.dead`).

use anyhow::{Context, Result, bail};
use ciel_queue::{RabbitConfig, dead_letters};

const USAGE: &str = "usage: cargo xtask dlq list|replay [--limit N]   (AMQP_URL, AMQP_MEDIA_QUEUE)";

/// Runs the command.
pub async fn run(args: &[&str]) -> Result<()> {
    let (command, rest) = args.split_first().context(USAGE)?;
    let limit = match rest {
        [] => 100,
        ["--limit", n] => n
            .parse()
            .with_context(|| format!("--limit {n}: not a number; {USAGE}"))?,
        _ => bail!("{USAGE}"),
    };
    let url = std::env::var("AMQP_URL").context(
        "AMQP_URL is not set; export the broker URL (e.g. from `cargo xtask services up`)",
    )?;
    let queue = std::env::var("AMQP_MEDIA_QUEUE").unwrap_or_else(|_| "ciel.media".to_owned());
    let config = RabbitConfig::new(url, &queue)?.with_connection_name("ciel-xtask-dlq");
    match *command {
        "list" => {
            let letters = dead_letters::list(&config, limit).await.context(
                "is RabbitMQ running at AMQP_URL? (`cargo xtask services up` starts one)",
            )?;
            for (n, d) in letters.iter().enumerate() {
                println!(
                    "{:>4}  attempt {}  {}  {}",
                    n + 1,
                    d.attempt,
                    d.reason.as_deref().unwrap_or("-"),
                    d.body
                );
            }
            println!(
                "dlq: {} message(s) shown from {} (left in place; `cargo xtask dlq replay` re-queues them)",
                letters.len(),
                config.queues.dead()
            );
        }
        "replay" => {
            let moved = dead_letters::replay(&config, limit).await.context(
                "is RabbitMQ running at AMQP_URL? (`cargo xtask services up` starts one)",
            )?;
            println!(
                "dlq: {moved} message(s) moved from {} back to {}",
                config.queues.dead(),
                config.queues.main()
            );
        }
        other => bail!("unknown dlq command {other:?}; {USAGE}"),
    }
    Ok(())
}
