//! `MaintenanceStore` on a unit of work's connection: the transaction-scoped advisory lock that
//! elects one cleanup executor, and the cleanup statements (hourly, so plain SQL is fine here;
//! the followee-head repair batch lives in `head_repair`, the timeline trim in `timeline_trim`).

use super::PgTx;
use crate::repos::errors::repo_error;
use async_trait::async_trait;
use ciel_domain::UserId;
use ciel_domain::ports::{
    FollowEdgeKey, HeadRepairBatch, MaintenanceStore, RepoError, TimelineTrimBatch,
};
use ciel_domain::time::Timestamp;
use ciel_schema::{invite_codes as ic, stories};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use uuid::Uuid;

/// The advisory-lock key of the scheduled cleanup ("cielcln" in ASCII).
pub const MAINTENANCE_LOCK_KEY: i64 = 0x0063_6965_6c63_6c6e;

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = Bool)]
    locked: bool,
}

#[derive(QueryableByName)]
struct Refreshed {
    #[diesel(sql_type = SqlUuid)]
    user_id: Uuid,
}

/// Whole days from the row's creation to `$1` (never negative) — `update_account_ages()`'s
/// formula with the caller's clock.
const AGE: &str = "GREATEST(0, floor(extract(epoch FROM ($1 - created_at)) / 86400))::integer";

#[async_trait]
impl MaintenanceStore for PgTx<'_> {
    async fn try_lock_maintenance(&mut self) -> Result<bool, RepoError> {
        diesel::sql_query("SELECT pg_try_advisory_xact_lock($1) AS locked")
            .bind::<BigInt, _>(MAINTENANCE_LOCK_KEY)
            .get_result::<Locked>(self.conn)
            .await
            .map(|row| row.locked)
            .map_err(repo_error)
    }

    async fn purge_stories_expired_before(&mut self, cutoff: Timestamp) -> Result<u64, RepoError> {
        diesel::delete(stories::table.filter(stories::expires_at.lt(cutoff)))
            .execute(self.conn)
            .await
            .map(|n| n as u64)
            .map_err(repo_error)
    }

    async fn refresh_account_ages(
        &mut self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<UserId>, RepoError> {
        let sql = format!(
            "UPDATE user_trust_scores SET account_age_days = {AGE} \
             WHERE user_id IN (SELECT user_id FROM user_trust_scores \
                               WHERE account_age_days IS DISTINCT FROM {AGE} \
                               ORDER BY user_id LIMIT $2 FOR UPDATE) \
             RETURNING user_id"
        );
        diesel::sql_query(sql)
            .bind::<Timestamptz, _>(now)
            .bind::<BigInt, _>(limit)
            .load::<Refreshed>(self.conn)
            .await
            .map(|rows| rows.into_iter().map(|r| UserId::from(r.user_id)).collect())
            .map_err(repo_error)
    }

    async fn repair_followee_heads(
        &mut self,
        since: Timestamp,
        after: Option<FollowEdgeKey>,
        limit: i64,
    ) -> Result<HeadRepairBatch, RepoError> {
        super::head_repair::repair_batch(self.conn, since, after, limit).await
    }

    async fn trim_home_timelines(
        &mut self,
        after: Option<UserId>,
        limit: i64,
    ) -> Result<TimelineTrimBatch, RepoError> {
        super::timeline_trim::trim_batch(self.conn, after, limit).await
    }

    async fn delete_invalid_invites_expired_before(
        &mut self,
        cutoff: Timestamp,
    ) -> Result<u64, RepoError> {
        diesel::delete(
            ic::table
                .filter(ic::is_valid.eq(false))
                .filter(ic::expires_at.lt(cutoff)),
        )
        .execute(self.conn)
        .await
        .map(|n| n as u64)
        .map_err(repo_error)
    }
}
