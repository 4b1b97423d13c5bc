//! `GET /health` (liveness, contract §2.1) and `GET /ready` (readiness, §0).

use crate::error::ApiError;
use crate::state::HttpState;
use actix_web::{HttpResponse, web};
use ciel_app::{HealthReport, Readiness};
use serde::Serialize;

#[derive(Serialize)]
struct HealthBody {
    status: &'static str,
}

#[derive(Serialize)]
struct ReadyBody {
    status: &'static str,
    schema_version: String,
}

/// 200 `{"status":"ok"}`, or `{"status":"degraded"}` when the database or cache does not answer.
pub async fn health(state: web::Data<HttpState>) -> HttpResponse {
    let status = match state.health.health().await {
        HealthReport::Ok => "ok",
        HealthReport::Degraded => "degraded",
    };
    HttpResponse::Ok().json(HealthBody { status })
}

/// 200 when the database answers at the schema version this build embeds, 503 otherwise.
pub async fn ready(state: web::Data<HttpState>) -> Result<HttpResponse, ApiError> {
    match state.health.readiness().await {
        Readiness::Ready { schema_version } => Ok(HttpResponse::Ok().json(ReadyBody {
            status: "ready",
            schema_version,
        })),
        Readiness::NotReady { reason } => {
            Err(ApiError::unavailable(format!("not ready: {reason}"), 5))
        }
    }
}
