//! `OutboxStore` on a unit of work's connection: the `job_outbox` table. Rows are locked with
//! `FOR UPDATE SKIP LOCKED`, so several relays (api and worker instances) share the work
//! without publishing a row twice at the same time.

use super::PgTx;
use crate::repos::errors::repo_error;
use crate::trace_context::current_traceparent;
use async_trait::async_trait;
use ciel_domain::ports::{MediaJob, OutboxEntry, OutboxStore, RepoError};
use ciel_domain::time::Timestamp;
use ciel_domain::{UploadId, UserId};
use ciel_schema::job_outbox as jo;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde_json::{Value, json};
use uuid::Uuid;

/// The `kind` of media jobs.
const MEDIA_JOB: &str = "media_job";

fn payload(job: &MediaJob) -> Value {
    json!({
        "upload_id": job.upload_id.to_string(),
        "owner_id": job.owner_id.to_string(),
        "original_key": job.original_key,
    })
}

fn job_of(payload: &Value) -> Option<MediaJob> {
    let uuid = |field: &str| payload.get(field)?.as_str()?.parse::<Uuid>().ok();
    Some(MediaJob {
        upload_id: UploadId::from(uuid("upload_id")?),
        owner_id: UserId::from(uuid("owner_id")?),
        original_key: payload.get("original_key")?.as_str()?.to_owned(),
    })
}

#[async_trait]
impl OutboxStore for PgTx<'_> {
    async fn enqueue_media_job(&mut self, job: &MediaJob, now: Timestamp) -> Result<(), RepoError> {
        diesel::insert_into(jo::table)
            .values((
                jo::kind.eq(MEDIA_JOB),
                jo::payload.eq(payload(job)),
                jo::created_at.eq(now),
                jo::available_at.eq(now),
                jo::trace_context.eq(current_traceparent()),
            ))
            .execute(self.conn)
            .await
            .map(drop)
            .map_err(repo_error)
    }

    async fn lock_due_jobs(
        &mut self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<OutboxEntry>, RepoError> {
        let rows: Vec<(Uuid, Value, i32, Option<String>)> = jo::table
            .filter(jo::kind.eq(MEDIA_JOB))
            .filter(jo::available_at.le(now))
            .order(jo::available_at.asc())
            .limit(limit)
            .select((jo::id, jo::payload, jo::attempts, jo::trace_context))
            .for_update()
            .skip_locked()
            .load(self.conn)
            .await
            .map_err(repo_error)?;
        let mut entries = Vec::with_capacity(rows.len());
        for (id, payload, attempts, trace_context) in rows {
            match job_of(&payload) {
                Some(job) => entries.push(OutboxEntry {
                    id,
                    job,
                    attempts,
                    trace_context,
                }),
                None => {
                    // Only this code writes the outbox; a row it cannot read would block
                    // nothing but would be retried forever, so it is dropped loudly.
                    tracing::error!(%id, %payload, "dropping an unreadable outbox row");
                    diesel::delete(jo::table.filter(jo::id.eq(id)))
                        .execute(self.conn)
                        .await
                        .map_err(repo_error)?;
                }
            }
        }
        Ok(entries)
    }

    async fn delete_job(&mut self, id: Uuid) -> Result<(), RepoError> {
        diesel::delete(jo::table.filter(jo::id.eq(id)))
            .execute(self.conn)
            .await
            .map(drop)
            .map_err(repo_error)
    }

    async fn defer_job(&mut self, id: Uuid, error: &str, next: Timestamp) -> Result<(), RepoError> {
        diesel::update(jo::table.filter(jo::id.eq(id)))
            .set((
                jo::attempts.eq(jo::attempts + 1),
                jo::last_error.eq(Some(error)),
                jo::available_at.eq(next),
            ))
            .execute(self.conn)
            .await
            .map(drop)
            .map_err(repo_error)
    }

    async fn outbox_len(&mut self) -> Result<i64, RepoError> {
        jo::table
            .count()
            .get_result(self.conn)
            .await
            .map_err(repo_error)
    }
}
