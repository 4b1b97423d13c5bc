//! `FeedStore` on a unit of work's connection: one call of the `home_feed_keys` SQL function
//! (migration `2026-12-02-000200_home_feed_keys`): the first page walks the follower's stored
//! followee heads, later pages merge a per-author top-N over `posts_owner_created_idx`; either
//! way the cost is bounded by the page size (and, for later pages, the follow count), and only
//! keys come back (the posts are loaded by `PostStore::load_posts` for the ones not rendered).
//!
//! The call is written with the diesel DSL (`define_sql_function!`), so diesel prepares it once
//! per connection and reuses it; the function's own query is planned once per session by
//! plpgsql.

use super::PgTx;
use crate::repos::errors::repo_error;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ciel_domain::ports::{FeedStore, RepoError};
use ciel_domain::posts::PostKey;
use ciel_domain::{Cursor, PostId, UserId};
use diesel::sql_types::{Integer, Nullable, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use uuid::Uuid;

diesel::define_sql_function! {
    /// `home_feed_keys(viewer, before_ts, before_id, lim)`: `(id, created_at)` of each post of
    /// the page, in page order.
    fn home_feed_keys(
        viewer: SqlUuid,
        before_ts: Nullable<Timestamptz>,
        before_id: Nullable<SqlUuid>,
        lim: Integer,
    ) -> Record<(SqlUuid, Timestamptz)>;
}

#[async_trait]
impl FeedStore for PgTx<'_> {
    async fn home_feed_keys(
        &mut self,
        viewer: UserId,
        after: Option<Cursor>,
        fetch: i64,
    ) -> Result<Vec<PostKey>, RepoError> {
        let lim = i32::try_from(fetch).unwrap_or(i32::MAX);
        let rows: Vec<(Uuid, DateTime<Utc>)> = diesel::select(home_feed_keys(
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
            .map(|(id, created_at)| PostKey {
                id: PostId::from(id),
                created_at,
            })
            .collect())
    }
}
