//! Ciel's test kit: throwaway services, per-test databases, TestApp and port conformance suites.
//!
//! Tests get their services from the environment (`cargo xtask test` starts them once and exports
//! their URLs). When a variable is absent — plain `cargo test` — the kit starts the service that
//! test binary needs itself, once per process, and a watchdog stops it when the process exits.
//! Each test gets its own database cloned from a migrated template, so tests run in parallel
//! without sharing state.

pub mod app;
pub mod broker;
pub mod conformance;
pub mod db;
pub mod dedicated_postgres;
pub mod dedicated_rabbitmq;
pub mod dedicated_redis;
pub mod env;
pub mod fixtures;
pub mod held;
pub mod images;
pub mod lambda;
pub mod media;
pub mod photos;
pub mod process;
pub mod proxy;
pub mod query;
pub mod services;
pub mod sql;

pub use app::{TEST_PASSWORD, TestApp, TestAppBuilder, TestUser, app_env};
pub use db::TestDb;
pub use dedicated_postgres::DedicatedPostgres;
pub use dedicated_rabbitmq::DedicatedRabbitMq;
pub use dedicated_redis::DedicatedRedis;
pub use env::{redis_url, service_var, unique_name};
pub use held::HeldTx;
