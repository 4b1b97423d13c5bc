//! `GET /metrics`: the Prometheus text exposition.

use crate::extract::AdminAuth;
use crate::state::HttpState;
use actix_web::{HttpResponse, web};

/// Metrics on the API port, behind the admin token.
pub async fn metrics_admin(_: AdminAuth, state: web::Data<HttpState>) -> HttpResponse {
    metrics_open(state).await
}

/// Metrics without authentication, for the private `METRICS_ADDR` listener only.
pub async fn metrics_open(state: web::Data<HttpState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(state.metrics.render().to_string())
}
