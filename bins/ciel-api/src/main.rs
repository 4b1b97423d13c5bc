//! `ciel-api`: the Ciel HTTP API (APP_MODE=api or combined). Only wiring: configuration → telemetry → `ciel_runtime::run`.

use ciel_runtime::{Binary, Config, telemetry};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
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
    match ciel_runtime::run(Binary::Api, config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "ciel-api failed");
            eprintln!("ciel-api: {err}");
            ExitCode::FAILURE
        }
    }
}
