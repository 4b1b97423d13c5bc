//! `PostStore` on a unit of work's connection: posts, their media, likes and comments.

use super::PgTx;
use crate::enums::PgPostVisibility;
use crate::repos::errors::repo_error;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ciel_domain::ports::{PostStore, RepoError};
use ciel_domain::posts::Post;
use ciel_domain::{MediaId, PostId, UserId};
use ciel_schema::{post_media, posts, users};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use std::collections::HashMap;
use uuid::Uuid;

/// A post joined with what responses show of its owner.
type PostRow = (
    Uuid,
    Uuid,
    Option<String>,
    PgPostVisibility,
    DateTime<Utc>,
    String,
    String,
    Option<String>,
);

#[async_trait]
impl PostStore for PgTx<'_> {
    async fn load_posts(&mut self, ids: &[PostId]) -> Result<Vec<Post>, RepoError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<Uuid> = ids.iter().map(PostId::as_uuid).collect();
        let rows: Vec<PostRow> = posts::table
            .inner_join(users::table)
            .filter(posts::id.eq_any(&ids))
            .select((
                posts::id,
                posts::owner_id,
                posts::caption,
                posts::visibility,
                posts::created_at,
                users::handle,
                users::display_name,
                users::avatar_key,
            ))
            .load(self.conn)
            .await
            .map_err(repo_error)?;
        let links: Vec<(Uuid, Uuid)> = post_media::table
            .filter(post_media::post_id.eq_any(&ids))
            .order((post_media::post_id, post_media::position))
            .select((post_media::post_id, post_media::media_id))
            .load(self.conn)
            .await
            .map_err(repo_error)?;
        let mut media: HashMap<Uuid, Vec<MediaId>> = HashMap::new();
        for (post, m) in links {
            media.entry(post).or_default().push(MediaId::from(m));
        }
        Ok(rows
            .into_iter()
            .map(
                |(id, owner, caption, visibility, created_at, handle, display_name, avatar)| Post {
                    id: PostId::from(id),
                    owner_id: UserId::from(owner),
                    owner_handle: Some(handle),
                    owner_display_name: Some(display_name),
                    owner_avatar_key: avatar,
                    media_ids: media.remove(&id).unwrap_or_default(),
                    caption,
                    created_at,
                    visibility: visibility.0,
                },
            )
            .collect())
    }
}
