//! `GET /health` (liveness, contract §2.1) and `GET /ready` (readiness, §0).

use crate::error::ApiError;
use crate::state::HttpState;
use actix_web::{HttpResponse, web};
use ciel_app::{HealthReport, Readiness};
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Health)]
struct HealthBody {
    #[schema(value_type = crate::openapi::names::HealthStatus)]
    status: &'static str,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Readiness)]
struct ReadyBody {
    /// Always `ready`.
    #[schema(value_type = crate::openapi::names::ReadyStatus)]
    status: &'static str,
    schema_version: String,
}

/// 200 `{"status":"ok"}`, or `{"status":"degraded"}` when the database or cache does not answer.
#[utoipa::path(
    get,
    path = "/health",
    operation_id = "health",
    tag = "operations",
    responses(
        (status = 200, description = "`ok`, or `degraded` when the database or Redis does not answer (still 200)", body = HealthBody),
        (status = 429, description = "IP limit (`health`, 60 per minute, shared with `/ready`)"),
    ),
)]
pub async fn health(state: web::Data<HttpState>) -> HttpResponse {
    let status = match state.health.health().await {
        HealthReport::Ok => "ok",
        HealthReport::Degraded => "degraded",
    };
    HttpResponse::Ok().json(HealthBody { status })
}

/// 200 when the database answers at the schema version this build embeds, 503 otherwise.
#[utoipa::path(
    get,
    path = "/ready",
    operation_id = "ready",
    tag = "operations",
    responses(
        (status = 200, description = "The database answers at the schema version this build embeds", body = ReadyBody),
        (status = 429, description = "IP limit (`health`, shared with `/health`)"),
        (status = 503, description = "`not ready: …` (database unreachable or at another migration version)"),
    ),
)]
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

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(health, ready))]
pub(crate) struct Api;
