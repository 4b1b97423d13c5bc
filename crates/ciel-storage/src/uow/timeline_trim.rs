//! One batch of the home-timeline trim: a call of `home_timeline_trim(after, batch, keep)`
//! (migration `2026-12-02-000400_home_timeline`) with `keep = timeline_keep()`, the number of
//! rows a follow copies. For each user of the batch it deletes the rows beyond the newest
//! `keep` and raises the user's horizon to the newest one deleted, so pages still equal the
//! per-followee merge (a page reaching below the horizon is answered by the merge).

use crate::repos::errors::repo_error;
use ciel_domain::UserId;
use ciel_domain::ports::{RepoError, TimelineTrimBatch};
use diesel::sql_types::{Integer, Nullable, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

diesel::define_sql_function! {
    /// How many rows each home timeline keeps (and a follow copies at most).
    fn timeline_keep() -> Integer;
}

diesel::define_sql_function! {
    /// `(examined, trimmed, last_viewer)` of one trim batch.
    fn home_timeline_trim(
        after: Nullable<SqlUuid>,
        batch: Integer,
        keep: Integer,
    ) -> Record<(Integer, BigInt, Nullable<SqlUuid>)>;
}

/// Trims the timelines of at most `limit` users after `after`.
pub(super) async fn trim_batch(
    conn: &mut AsyncPgConnection,
    after: Option<UserId>,
    limit: i64,
) -> Result<TimelineTrimBatch, RepoError> {
    let batch = i32::try_from(limit).unwrap_or(i32::MAX);
    let (examined, trimmed, last): (i32, i64, Option<Uuid>) = diesel::select(home_timeline_trim(
        after.map(|u| u.as_uuid()),
        batch,
        timeline_keep(),
    ))
    .get_result(conn)
    .await
    .map_err(repo_error)?;
    Ok(TimelineTrimBatch {
        examined: u64::try_from(examined).unwrap_or(0),
        trimmed: u64::try_from(trimmed).unwrap_or(0),
        last: last.map(UserId::from),
    })
}
