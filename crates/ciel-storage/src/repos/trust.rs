//! `TrustRepo` on Postgres, and the row lock/store the unit of work's `TrustStore` uses (the
//! points rules run in `ciel-app`, in the transaction of the action that earned them).

use super::errors::{pool_error, repo_error};
use crate::pool::PgPool;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ciel_domain::UserId;
use ciel_domain::ports::{RepoError, TrustRepo};
use ciel_domain::trust::{TrustLevel, TrustRecord};
use ciel_schema::user_trust_scores as t;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// A `user_trust_scores` row.
#[derive(Queryable, Selectable)]
#[diesel(table_name = t, check_for_backend(diesel::pg::Pg))]
pub(crate) struct TrustRow {
    trust_level: i32,
    trust_points: i32,
    account_age_days: i32,
    posts_count: i32,
    comments_count: i32,
    likes_received_count: i32,
    followers_count: i32,
    flags_received: i32,
    strikes: i32,
    invites_sent: i32,
    successful_invites: i32,
    banned_until: Option<DateTime<Utc>>,
}

impl TrustRow {
    pub(crate) fn into_domain(self) -> TrustRecord {
        TrustRecord {
            level: TrustLevel::from_number(self.trust_level),
            points: self.trust_points,
            account_age_days: self.account_age_days,
            posts_count: self.posts_count,
            comments_count: self.comments_count,
            likes_received_count: self.likes_received_count,
            followers_count: self.followers_count,
            flags_received: self.flags_received,
            strikes: self.strikes,
            invites_sent: self.invites_sent,
            successful_invites: self.successful_invites,
            banned_until: self.banned_until,
        }
    }
}

/// Locks the user's trust row (creating it at level 0 when missing) and returns it. Call inside
/// a transaction.
pub(crate) async fn lock_in_tx(
    conn: &mut AsyncPgConnection,
    user: Uuid,
) -> QueryResult<TrustRecord> {
    diesel::insert_into(t::table)
        .values(t::user_id.eq(user))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    t::table
        .filter(t::user_id.eq(user))
        .select(TrustRow::as_select())
        .for_update()
        .get_result(conn)
        .await
        .map(TrustRow::into_domain)
}

/// Writes every field of `record` back to the user's row (and `updated_at`, and
/// `last_activity_at` when `active`). Call inside a transaction after [`lock_in_tx`].
pub(crate) async fn store_in_tx(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    record: &TrustRecord,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(t::table.filter(t::user_id.eq(user)))
        .set((
            t::trust_level.eq(record.level.number()),
            t::trust_points.eq(record.points),
            t::account_age_days.eq(record.account_age_days),
            t::posts_count.eq(record.posts_count),
            t::comments_count.eq(record.comments_count),
            t::likes_received_count.eq(record.likes_received_count),
            t::followers_count.eq(record.followers_count),
            t::flags_received.eq(record.flags_received),
            t::strikes.eq(record.strikes),
            t::invites_sent.eq(record.invites_sent),
            t::successful_invites.eq(record.successful_invites),
            t::banned_until.eq(record.banned_until),
            t::updated_at.eq(now),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Trust records in `user_trust_scores`.
#[derive(Clone)]
pub struct PgTrustRepo {
    pool: PgPool,
}

impl PgTrustRepo {
    /// A repository over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

#[async_trait]
impl TrustRepo for PgTrustRepo {
    async fn get(&self, user: UserId) -> Result<Option<TrustRecord>, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        t::table
            .filter(t::user_id.eq(user.as_uuid()))
            .select(TrustRow::as_select())
            .first(&mut conn)
            .await
            .optional()
            .map(|row| row.map(TrustRow::into_domain))
            .map_err(repo_error)
    }
}
