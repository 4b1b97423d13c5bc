//! `ciel-api`: the Ciel HTTP API (APP_MODE=api or combined). Only wiring: configuration → telemetry → `ciel_runtime::run`;
//! `ciel-api migrate` applies the embedded migrations and exits (the container's migration job).

use ciel_runtime::{Binary, Config, telemetry};
use std::process::ExitCode;

/// mimalloc instead of glibc malloc: request bodies and cached pages are allocated and freed
/// per request, which glibc's bins made a fifth of a cached feed hit (see the commit).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// What the command line asks for.
enum Command {
    Serve,
    Migrate,
}

#[tokio::main]
async fn main() -> ExitCode {
    let command = match std::env::args().nth(1).as_deref() {
        None => Command::Serve,
        Some("migrate") => Command::Migrate,
        Some(other) => {
            eprintln!(
                "ciel-api: unknown argument {other:?}; usage: ciel-api [migrate] (configuration comes from the environment)"
            );
            return ExitCode::from(2);
        }
    };
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("ciel-api: {err}");
            return ExitCode::from(2);
        }
    };
    let _telemetry = match telemetry::init(&config, "ciel-api") {
        Ok(guard) => guard,
        Err(err) => {
            eprintln!("ciel-api: {err}");
            return ExitCode::from(2);
        }
    };
    match command {
        Command::Serve => serve(config).await,
        Command::Migrate => migrate(&config).await,
    }
}

async fn serve(config: Config) -> ExitCode {
    match ciel_runtime::run(Binary::Api, config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "ciel-api failed");
            eprintln!("ciel-api: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn migrate(config: &Config) -> ExitCode {
    match ciel_runtime::migrate(config).await {
        Ok(applied) => {
            tracing::info!(
                ?applied,
                schema = %ciel_runtime::migrate::expected_schema_version(),
                "migrations up to date"
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            tracing::error!(error = %err, "ciel-api migrate failed");
            eprintln!("ciel-api migrate: {err}");
            ExitCode::FAILURE
        }
    }
}
