//! `ciel-worker`: the Ciel media worker (APP_MODE=worker). Only wiring: configuration → telemetry → `ciel_runtime::run`.

use ciel_runtime::{Binary, Config, telemetry};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("ciel-worker: {err}");
            return ExitCode::from(2);
        }
    };
    let _telemetry = match telemetry::init(&config, "ciel-worker") {
        Ok(guard) => guard,
        Err(err) => {
            eprintln!("ciel-worker: {err}");
            return ExitCode::from(2);
        }
    };
    match ciel_runtime::run(Binary::Worker, config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "ciel-worker failed");
            eprintln!("ciel-worker: {err}");
            ExitCode::FAILURE
        }
    }
}
