//! `MediaStore` on a unit of work's connection.

use super::PgTx;
use super::post_visibility::visible_to;
use super::story_visibility::story_visible_to;
use crate::repos::errors::repo_error;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ciel_domain::media::Media;
use ciel_domain::ports::{MediaStore, RepoError};
use ciel_domain::time::Timestamp;
use ciel_domain::{MediaId, UserId};
use ciel_schema::{media, post_media, posts, stories, users};
use diesel::dsl::exists;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
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
    blurhash: Option<String>,
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
            blurhash: self.blurhash,
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

    async fn insert_media(&mut self, m: &Media) -> Result<(), RepoError> {
        diesel::insert_into(media::table)
            .values((
                media::id.eq(m.id.as_uuid()),
                media::owner_id.eq(m.owner_id.as_uuid()),
                media::original_key.eq(&m.original_key),
                media::thumb_key.eq(&m.thumb_key),
                media::medium_key.eq(&m.medium_key),
                media::width.eq(m.width),
                media::height.eq(m.height),
                media::bytes.eq(m.bytes),
                media::created_at.eq(m.created_at),
                media::blurhash.eq(m.blurhash.as_deref()),
            ))
            .execute(self.conn)
            .await
            .map(drop)
            .map_err(repo_error)
    }

    async fn visible_media(
        &mut self,
        id: MediaId,
        viewer: UserId,
        now: Timestamp,
    ) -> Result<Option<Media>, RepoError> {
        let Some(row) = media::table
            .filter(media::id.eq(id.as_uuid()))
            .select(MediaRow::as_select())
            .first(self.conn)
            .await
            .optional()
            .map_err(repo_error)?
        else {
            return Ok(None);
        };
        if row.owner_id == viewer.as_uuid() {
            return Ok(Some(row.into_domain()));
        }
        // Attached to a post the viewer can see (the one post predicate)?
        let posts_with_it = post_media::table
            .filter(post_media::media_id.eq(id.as_uuid()))
            .select(post_media::post_id);
        let in_visible_post: bool = diesel::select(exists(
            posts::table
                .filter(posts::id.eq_any(posts_with_it))
                .filter(visible_to(Some(viewer))),
        ))
        .get_result(self.conn)
        .await
        .map_err(repo_error)?;
        if in_visible_post {
            return Ok(Some(row.into_domain()));
        }
        // Or to an unexpired story the viewer can see (the one story predicate)?
        let in_visible_story: bool = diesel::select(exists(
            stories::table
                .inner_join(users::table)
                .filter(stories::media_id.eq(id.as_uuid()))
                .filter(story_visible_to(Some(viewer.as_uuid()), now)),
        ))
        .get_result(self.conn)
        .await
        .map_err(repo_error)?;
        Ok(in_visible_story.then(|| row.into_domain()))
    }

    async fn delete_owned_media(
        &mut self,
        id: MediaId,
        owner: UserId,
    ) -> Result<Option<Media>, RepoError> {
        diesel::delete(
            media::table
                .filter(media::id.eq(id.as_uuid()))
                .filter(media::owner_id.eq(owner.as_uuid())),
        )
        .returning(MediaRow::as_returning())
        .get_result(self.conn)
        .await
        .optional()
        .map(|row| row.map(MediaRow::into_domain))
        .map_err(|err| match err {
            // post_media and stories reference media ON DELETE RESTRICT.
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                RepoError::StillReferenced(
                    info.constraint_name().unwrap_or("foreign key").to_owned(),
                )
            }
            other => repo_error(other),
        })
    }
}
