//! `FeedStore` on a unit of work's connection: one call of the `home_feed_page` SQL function
//! (migration `2026-12-01-000400_home_feed_page`), a per-author top-N merge over
//! `posts_owner_created_idx` whose cost is bounded by the follow count and the page size.
//!
//! The call is written with the diesel DSL (`define_sql_function!`), so diesel prepares it once
//! per connection and reuses it; the function's own query is planned once per session by
//! plpgsql.

use super::PgTx;
use crate::enums::PgPostVisibility;
use crate::repos::errors::repo_error;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ciel_domain::ports::{FeedStore, RepoError};
use ciel_domain::posts::Post;
use ciel_domain::{Cursor, MediaId, PostId, UserId};
use ciel_schema::sql_types::PostVisibility;
use diesel::sql_types::{Integer, Nullable, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use uuid::Uuid;

diesel::define_sql_function! {
    /// `home_feed_page(viewer, before_ts, before_id, lim)`: one record per post of the page.
    fn home_feed_page(
        viewer: SqlUuid,
        before_ts: Nullable<Timestamptz>,
        before_id: Nullable<SqlUuid>,
        lim: Integer,
    ) -> Record<(
        SqlUuid,
        SqlUuid,
        Nullable<Text>,
        PostVisibility,
        Timestamptz,
        Text,
        Text,
        Nullable<Text>,
        Array<SqlUuid>,
    )>;
}

/// One record of `home_feed_page`.
type FeedRow = (
    Uuid,
    Uuid,
    Option<String>,
    PgPostVisibility,
    DateTime<Utc>,
    String,
    String,
    Option<String>,
    Vec<Uuid>,
);

#[async_trait]
impl FeedStore for PgTx<'_> {
    async fn home_feed(
        &mut self,
        viewer: UserId,
        after: Option<Cursor>,
        fetch: i64,
    ) -> Result<Vec<Post>, RepoError> {
        let lim = i32::try_from(fetch).unwrap_or(i32::MAX);
        let rows: Vec<FeedRow> = diesel::select(home_feed_page(
            viewer.as_uuid(),
            after.map(|c| c.ts),
            after.map(|c| c.id),
            lim,
        ))
        .load(self.conn)
        .await
        .map_err(repo_error)?;
        Ok(rows
            .into_iter()
            .map(
                |(id, owner, caption, visibility, created_at, handle, name, avatar, media)| Post {
                    id: PostId::from(id),
                    owner_id: UserId::from(owner),
                    owner_handle: Some(handle),
                    owner_display_name: Some(name),
                    owner_avatar_key: avatar,
                    media_ids: media.into_iter().map(MediaId::from).collect(),
                    caption,
                    created_at,
                    visibility: visibility.0,
                },
            )
            .collect())
    }
}
