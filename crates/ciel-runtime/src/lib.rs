//! Ciel's runtime: typed configuration read once, telemetry, and the composition root that
//! builds adapters from configuration and runs each process mode. The three binaries only call
//! [`run`]; everything a test would want to drive lives here or below.

pub mod cleanup;
pub mod config;
pub mod local_objects;
pub mod media;
pub mod media_local;
pub mod metrics;
pub mod migrate;
pub mod modes;
pub mod shutdown;
pub mod telemetry;
pub mod wiring;

pub use config::{AppMode, Config, ConfigError};
pub use migrate::migrate;
pub use modes::{Binary, RunError, run};
