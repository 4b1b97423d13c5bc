//! The serverless worker's `POST /` (contract §5, `serverless-worker`): one `MediaJob` JSON
//! body, run to a verdict. 200 when the job is done or failed permanently (the message is
//! consumed), 500 when it failed transiently (the invoker retries), 400 for a body that is not
//! a job (poison: the invoker's dead-letter handling takes it).

use crate::error::{ApiError, json_error_response};
use crate::state::HttpState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use ciel_app::media::JobReport;
use ciel_domain::ports::MediaJob;
use ciel_domain::{UploadId, UserId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The contract's job body; unknown fields are ignored.
#[derive(Deserialize)]
struct JobBody {
    upload_id: Uuid,
    owner_id: Uuid,
    original_key: String,
}

#[derive(Serialize)]
struct JobDone {
    status: &'static str,
}

/// `POST /`: runs one media job.
pub async fn run_job(
    state: web::Data<HttpState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let job = match serde_json::from_slice::<JobBody>(&body) {
        Ok(b) if !b.original_key.trim().is_empty() => MediaJob {
            upload_id: UploadId::from(b.upload_id),
            owner_id: UserId::from(b.owner_id),
            original_key: b.original_key,
        },
        _ => return Err(ApiError::bad_request("invalid media job")),
    };
    let Some(jobs) = &state.media_jobs else {
        tracing::error!("this build runs no image pipeline; the job is left for a retry");
        return Ok(json_error_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            "media processing unavailable; retry",
        ));
    };
    let status = match jobs.run(job).await {
        JobReport::Completed(_) => "completed",
        JobReport::Stale => "stale",
        JobReport::Failed(_) => "failed",
        JobReport::Retry(_) => {
            return Ok(json_error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "media job failed transiently; retry",
            ));
        }
    };
    Ok(HttpResponse::Ok().json(JobDone { status }))
}
