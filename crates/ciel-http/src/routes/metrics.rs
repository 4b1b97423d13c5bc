//! `GET /metrics`: the Prometheus text exposition.

use crate::extract::AdminAuth;
use crate::metrics::HttpMetrics;
use crate::state::HttpState;
use actix_web::{HttpResponse, web};

/// Metrics on the API port, behind the admin token.
#[utoipa::path(
    get,
    path = "/metrics",
    operation_id = "metrics",
    tag = "operations",
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The Prometheus text exposition", body = String, content_type = "text/plain"),
    ),
)]
pub async fn metrics_admin(_: AdminAuth, state: web::Data<HttpState>) -> HttpResponse {
    metrics_open(state).await
}

/// Metrics without authentication, for the private `METRICS_ADDR` listener only.
pub async fn metrics_open(state: web::Data<HttpState>) -> HttpResponse {
    exposition(&state.metrics)
}

/// Metrics of a process without an API (the worker's `METRICS_ADDR` listener).
pub async fn metrics_of(metrics: web::Data<HttpMetrics>) -> HttpResponse {
    exposition(&metrics)
}

fn exposition(metrics: &HttpMetrics) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render().to_string())
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(metrics_admin))]
pub(crate) struct Api;
