//! `UploadStore` on a unit of work's connection: `media_uploads` rows and their conditional
//! state transitions (each one `UPDATE … WHERE status …`, so concurrent callers cannot both win).

use super::PgTx;
use crate::enums::PgUploadStatus;
use crate::repos::errors::repo_error;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ciel_domain::ports::{RepoError, UploadStore};
use ciel_domain::time::Timestamp;
use ciel_domain::uploads::{Upload, UploadStatus};
use ciel_domain::{MediaId, UploadId, UserId};
use ciel_schema::media_uploads as mu;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

diesel::define_sql_function! {
    /// `COALESCE(a, b)` of a nullable and a non-null timestamp.
    fn coalesce(
        a: diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
        b: diesel::sql_types::Timestamptz,
    ) -> diesel::sql_types::Timestamptz;
}

/// A `media_uploads` row.
#[derive(Queryable, Selectable)]
#[diesel(table_name = mu, check_for_backend(diesel::pg::Pg))]
struct UploadRow {
    id: Uuid,
    owner_id: Uuid,
    original_key: String,
    content_type: String,
    bytes: i64,
    status: PgUploadStatus,
    processed_media_id: Option<Uuid>,
    uploaded_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl UploadRow {
    fn into_domain(self) -> Upload {
        Upload {
            id: UploadId::from(self.id),
            owner_id: UserId::from(self.owner_id),
            original_key: self.original_key,
            content_type: self.content_type,
            bytes: self.bytes,
            status: self.status.0,
            processed_media_id: self.processed_media_id.map(MediaId::from),
            uploaded_at: self.uploaded_at,
            created_at: self.created_at,
        }
    }
}

fn status(s: UploadStatus) -> PgUploadStatus {
    PgUploadStatus(s)
}

#[async_trait]
impl UploadStore for PgTx<'_> {
    async fn insert_upload(&mut self, upload: &Upload) -> Result<(), RepoError> {
        diesel::insert_into(mu::table)
            .values((
                mu::id.eq(upload.id.as_uuid()),
                mu::owner_id.eq(upload.owner_id.as_uuid()),
                mu::original_key.eq(&upload.original_key),
                mu::content_type.eq(&upload.content_type),
                mu::bytes.eq(upload.bytes),
                mu::status.eq(status(upload.status)),
                mu::created_at.eq(upload.created_at),
                mu::updated_at.eq(upload.created_at),
            ))
            .execute(self.conn)
            .await
            .map(drop)
            .map_err(repo_error)
    }

    async fn owned_upload(
        &mut self,
        id: UploadId,
        owner: UserId,
    ) -> Result<Option<Upload>, RepoError> {
        mu::table
            .filter(mu::id.eq(id.as_uuid()))
            .filter(mu::owner_id.eq(owner.as_uuid()))
            .select(UploadRow::as_select())
            .first(self.conn)
            .await
            .optional()
            .map(|row| row.map(UploadRow::into_domain))
            .map_err(repo_error)
    }

    async fn lock_owned_upload(
        &mut self,
        id: UploadId,
        owner: UserId,
    ) -> Result<Option<Upload>, RepoError> {
        mu::table
            .filter(mu::id.eq(id.as_uuid()))
            .filter(mu::owner_id.eq(owner.as_uuid()))
            .select(UploadRow::as_select())
            .for_update()
            .first(self.conn)
            .await
            .optional()
            .map(|row| row.map(UploadRow::into_domain))
            .map_err(repo_error)
    }

    async fn mark_uploaded(&mut self, id: UploadId, now: Timestamp) -> Result<bool, RepoError> {
        diesel::update(
            mu::table
                .filter(mu::id.eq(id.as_uuid()))
                .filter(mu::status.eq(status(UploadStatus::Pending))),
        )
        .set((
            mu::status.eq(status(UploadStatus::Uploaded)),
            mu::uploaded_at.eq(now),
            mu::updated_at.eq(now),
        ))
        .execute(self.conn)
        .await
        .map(|n| n == 1)
        .map_err(repo_error)
    }

    async fn claim_upload(
        &mut self,
        id: UploadId,
        now: Timestamp,
    ) -> Result<Option<Upload>, RepoError> {
        diesel::update(
            mu::table
                .filter(mu::id.eq(id.as_uuid()))
                .filter(mu::status.eq_any([
                    status(UploadStatus::Uploaded),
                    status(UploadStatus::Processing),
                ])),
        )
        .set((
            mu::status.eq(status(UploadStatus::Processing)),
            mu::updated_at.eq(now),
        ))
        .returning(UploadRow::as_returning())
        .get_result(self.conn)
        .await
        .optional()
        .map(|row| row.map(UploadRow::into_domain))
        .map_err(repo_error)
    }

    async fn lock_upload(&mut self, id: UploadId) -> Result<Option<Upload>, RepoError> {
        mu::table
            .filter(mu::id.eq(id.as_uuid()))
            .select(UploadRow::as_select())
            .for_update()
            .first(self.conn)
            .await
            .optional()
            .map(|row| row.map(UploadRow::into_domain))
            .map_err(repo_error)
    }

    async fn complete_upload(
        &mut self,
        id: UploadId,
        media: MediaId,
        now: Timestamp,
    ) -> Result<bool, RepoError> {
        diesel::update(
            mu::table
                .filter(mu::id.eq(id.as_uuid()))
                .filter(mu::status.eq(status(UploadStatus::Processing))),
        )
        .set((
            mu::status.eq(status(UploadStatus::Completed)),
            mu::processed_media_id.eq(Some(media.as_uuid())),
            mu::updated_at.eq(now),
        ))
        .execute(self.conn)
        .await
        .map(|n| n == 1)
        .map_err(repo_error)
    }

    async fn fail_upload(&mut self, id: UploadId, now: Timestamp) -> Result<bool, RepoError> {
        diesel::update(
            mu::table
                .filter(mu::id.eq(id.as_uuid()))
                .filter(mu::status.eq(status(UploadStatus::Processing))),
        )
        .set((
            mu::status.eq(status(UploadStatus::Failed)),
            mu::updated_at.eq(now),
        ))
        .execute(self.conn)
        .await
        .map(|n| n == 1)
        .map_err(repo_error)
    }

    async fn stale_uploads(
        &mut self,
        cutoff: Timestamp,
        limit: i64,
    ) -> Result<Vec<Upload>, RepoError> {
        let since = coalesce(mu::uploaded_at, mu::created_at);
        mu::table
            .filter(mu::status.eq_any([
                status(UploadStatus::Uploaded),
                status(UploadStatus::Processing),
            ]))
            .filter(since.lt(cutoff))
            .order(since.asc())
            .limit(limit)
            .select(UploadRow::as_select())
            .load(self.conn)
            .await
            .map(|rows| rows.into_iter().map(UploadRow::into_domain).collect())
            .map_err(repo_error)
    }
}
