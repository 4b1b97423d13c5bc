//! `MediaStore` on a unit of work's connection.

use super::PgTx;
use crate::repos::errors::repo_error;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ciel_domain::media::Media;
use ciel_domain::ports::{MediaStore, RepoError};
use ciel_domain::{MediaId, UserId};
use ciel_schema::media;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

/// A `media` row.
#[derive(Queryable, Selectable)]
#[diesel(table_name = media, check_for_backend(diesel::pg::Pg))]
pub(crate) struct MediaRow {
    id: Uuid,
    owner_id: Uuid,
    original_key: String,
    thumb_key: String,
    medium_key: String,
    width: i32,
    height: i32,
    bytes: i64,
    created_at: DateTime<Utc>,
}

impl MediaRow {
    pub(crate) fn into_domain(self) -> Media {
        Media {
            id: MediaId::from(self.id),
            owner_id: UserId::from(self.owner_id),
            original_key: self.original_key,
            thumb_key: self.thumb_key,
            medium_key: self.medium_key,
            width: self.width,
            height: self.height,
            bytes: self.bytes,
            created_at: self.created_at,
        }
    }
}

#[async_trait]
impl MediaStore for PgTx<'_> {
    async fn media_by_ids(&mut self, ids: &[MediaId]) -> Result<Vec<Media>, RepoError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<Uuid> = ids.iter().map(MediaId::as_uuid).collect();
        media::table
            .filter(media::id.eq_any(ids))
            .select(MediaRow::as_select())
            .load(self.conn)
            .await
            .map(|rows| rows.into_iter().map(MediaRow::into_domain).collect())
            .map_err(repo_error)
    }
}
