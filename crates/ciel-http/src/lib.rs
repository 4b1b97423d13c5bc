//! Ciel's HTTP layer on actix-web: routes, thin handlers, wire DTOs, extractors (authorization
//! lives in their types), middleware, and the single table that maps errors to statuses and the
//! contract's JSON error body.
//!
//! Handlers translate: wire DTO → use case in `ciel-app` → wire DTO. No SQL, Redis, S3 or AMQP
//! here. [`build_app`] builds the whole application, so tests run exactly what production runs.

mod app;
pub mod dto;
pub mod error;
pub mod extract;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod routes;
pub mod state;

pub use app::{
    BODY_LIMIT_BYTES, build_app, build_lambda_app, build_metrics_app, build_registry_app,
};
pub use error::ApiError;
pub use metrics::HttpMetrics;
pub use state::{HttpSettings, HttpState};
