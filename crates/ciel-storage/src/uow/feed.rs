//! `FeedStore` on a unit of work's connection. A first page is one range scan of the viewer's
//! materialised timeline (`home_timeline`, migration `2026-12-02-000400_home_timeline`, kept by
//! triggers): it is exact when it is full and its last row is newer than the viewer's horizon
//! (or the viewer has none), which is the common case. Otherwise the per-followee merge
//! (`home_feed_merge_keys`) answers it; a later page is one call of the `home_feed_keys` SQL
//! function (from the timeline where it is exact below the cursor, else from the merge). Either
//! way the cost is bounded by the page size, and only keys come back (the posts are loaded by
//! `PostStore::load_posts` for the ones not rendered).
//!
//! Every statement is written with the diesel DSL, so diesel prepares each once per connection
//! and reuses it; the functions' own queries are planned once per session by plpgsql.

use super::PgTx;
use super::block_lists::{blocked_by, blocking};
use crate::active_user::active_user;
use crate::repos::errors::repo_error;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ciel_domain::ports::{FeedStore, RepoError};
use ciel_domain::posts::PostKey;
use ciel_domain::time::Timestamp;
use ciel_domain::{Cursor, PostId, UserId};
use ciel_schema::{home_timeline, home_timeline_horizon, users};
use diesel::dsl::{exists, not};
use diesel::prelude::*;
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

diesel::define_sql_function! {
    /// `home_feed_merge_keys(viewer, before_ts, before_id, lim)`: the same page from the
    /// per-followee merge alone.
    fn home_feed_merge_keys(
        viewer: SqlUuid,
        before_ts: Nullable<Timestamptz>,
        before_id: Nullable<SqlUuid>,
        lim: Integer,
    ) -> Record<(SqlUuid, Timestamptz)>;
}

/// One row of a first page read from the timeline, with the viewer's horizon (the same on
/// every row; `None`: the timeline is complete).
type TimelineRow = (Uuid, DateTime<Utc>, Option<DateTime<Utc>>);

/// Whether `rows` (at most `fetch`, newest first) are exactly the first `fetch` posts of the
/// feed: the timeline holds every post newer than the horizon, so a full read whose last row
/// is newer than it misses nothing, and without a horizon nothing is missing at all. An empty
/// read says nothing (no row carries the horizon).
fn timeline_answers(rows: &[TimelineRow], fetch: usize) -> bool {
    match rows.last() {
        None => false,
        Some((_, _, None)) => true,
        Some((_, last, Some(horizon))) => rows.len() == fetch && last > horizon,
    }
}

impl PgTx<'_> {
    /// The first `fetch` rows of `viewer`'s timeline, leaving out (as the merge does)
    /// soft-deleted authors and authors blocked either way (a block removes the follows
    /// between the two, but the read does not rely on it). A plain anti-join on the deleted
    /// users, not a hashed list of all of them.
    ///
    /// Only an account active at `now` gets rows (a one-time filter: one probe of `users`), so a
    /// read with rows also says the viewer is active. An inactive viewer gets none, which the
    /// callers treat as "the timeline cannot answer": `home_feed_keys` then reads the merge as
    /// before, `first_page_keys_if_active` checks the account on its own.
    async fn timeline_first_page(
        &mut self,
        viewer: Uuid,
        fetch: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<TimelineRow>, RepoError> {
        let horizon = home_timeline_horizon::table
            .filter(home_timeline_horizon::viewer_id.eq(viewer))
            .select(home_timeline_horizon::horizon)
            .single_value();
        let deleted_author = users::table
            .filter(users::id.eq(home_timeline::author_id))
            .filter(users::deleted_at.is_not_null());
        home_timeline::table
            .filter(home_timeline::viewer_id.eq(viewer))
            .filter(exists(active_user(viewer, now)))
            .filter(not(exists(deleted_author)))
            .filter(not(home_timeline::author_id.eq_any(blocked_by(viewer))))
            .filter(not(home_timeline::author_id.eq_any(blocking(viewer))))
            .order((
                home_timeline::created_at.desc(),
                home_timeline::post_id.desc(),
            ))
            .limit(fetch)
            .select((home_timeline::post_id, home_timeline::created_at, horizon))
            .load(self.conn)
            .await
            .map_err(repo_error)
    }
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
        let (ts, id) = (after.map(|c| c.ts), after.map(|c| c.id));
        if after.is_none() {
            let rows = self
                .timeline_first_page(viewer.as_uuid(), fetch, Utc::now())
                .await?;
            return self.first_page_from(viewer, rows, fetch).await;
        }
        let rows: Vec<(Uuid, DateTime<Utc>)> =
            diesel::select(home_feed_keys(viewer.as_uuid(), ts, id, lim))
                .load(self.conn)
                .await
                .map_err(repo_error)?;
        Ok(rows.into_iter().map(post_key).collect())
    }

    async fn first_page_keys_if_active(
        &mut self,
        viewer: UserId,
        fetch: i64,
        now: Timestamp,
    ) -> Result<Option<Vec<PostKey>>, RepoError> {
        let rows = self
            .timeline_first_page(viewer.as_uuid(), fetch, now)
            .await?;
        // Rows came back only if the viewer is active; without any, ask on its own.
        if rows.is_empty() {
            let active: bool = diesel::select(exists(active_user(viewer.as_uuid(), now)))
                .get_result(self.conn)
                .await
                .map_err(repo_error)?;
            if !active {
                return Ok(None);
            }
        }
        self.first_page_from(viewer, rows, fetch).await.map(Some)
    }
}

impl PgTx<'_> {
    /// The first page from the timeline `rows` just read, or from the merge when they cannot
    /// answer it (straight to `home_feed_merge_keys`: the SQL `home_feed_keys` would read the
    /// timeline again first).
    async fn first_page_from(
        &mut self,
        viewer: UserId,
        rows: Vec<TimelineRow>,
        fetch: i64,
    ) -> Result<Vec<PostKey>, RepoError> {
        if timeline_answers(&rows, usize::try_from(fetch).unwrap_or(usize::MAX)) {
            return Ok(rows
                .into_iter()
                .map(|(id, at, _)| post_key((id, at)))
                .collect());
        }
        let lim = i32::try_from(fetch).unwrap_or(i32::MAX);
        let none = (None::<DateTime<Utc>>, None::<Uuid>);
        let rows: Vec<(Uuid, DateTime<Utc>)> =
            diesel::select(home_feed_merge_keys(viewer.as_uuid(), none.0, none.1, lim))
                .load(self.conn)
                .await
                .map_err(repo_error)?;
        Ok(rows.into_iter().map(post_key).collect())
    }
}

fn post_key((id, created_at): (Uuid, DateTime<Utc>)) -> PostKey {
    PostKey {
        id: PostId::from(id),
        created_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn row(minute: u32, horizon: Option<u32>) -> TimelineRow {
        let at = |m: u32| Utc.with_ymd_and_hms(2026, 1, 1, 0, m, 0).unwrap();
        (Uuid::from_u128(minute.into()), at(minute), horizon.map(at))
    }

    #[test]
    fn a_full_page_above_the_horizon_is_answered_by_the_timeline() {
        let rows = [row(30, Some(10)), row(20, Some(10))];
        assert!(timeline_answers(&rows, 2));
        // The last row at the horizon itself: a post of that same instant may be missing.
        assert!(!timeline_answers(
            &[row(30, Some(20)), row(20, Some(20))],
            2
        ));
        // A short page above a horizon: older posts may be missing below it.
        assert!(!timeline_answers(&rows, 3));
    }

    #[test]
    fn without_a_horizon_any_non_empty_read_is_exact_and_an_empty_one_says_nothing() {
        assert!(timeline_answers(&[row(30, None)], 31));
        assert!(!timeline_answers(&[], 31));
    }
}
