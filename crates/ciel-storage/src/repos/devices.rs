//! `DeviceRepo` on Postgres: fingerprints stored hashed, linked users, risk (contract §3.10).

use super::errors::{pool_error, repo_error};
use crate::pool::PgPool;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ciel_domain::UserId;
use ciel_domain::devices::{Device, risk_after_link};
use ciel_domain::ports::{DeviceRepo, RegisterOutcome, RepoError};
use ciel_schema::device_fingerprints as d;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use uuid::Uuid;

/// Device fingerprints in `device_fingerprints`.
#[derive(Clone)]
pub struct PgDeviceRepo {
    pool: PgPool,
}

impl PgDeviceRepo {
    /// A repository over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = d, check_for_backend(diesel::pg::Pg))]
struct DeviceRow {
    fingerprint_hash: String,
    user_ids: Vec<Uuid>,
    account_count: i32,
    risk_score: i32,
    is_blocked: bool,
    last_seen_at: DateTime<Utc>,
}

impl DeviceRow {
    fn into_domain(self) -> Device {
        Device {
            fingerprint_hash: self.fingerprint_hash,
            account_count: self.account_count,
            risk_score: self.risk_score,
            is_blocked: self.is_blocked,
            last_seen_at: self.last_seen_at,
        }
    }
}

#[async_trait]
impl DeviceRepo for PgDeviceRepo {
    async fn register(
        &self,
        fingerprint_hash: &str,
        user: Option<UserId>,
        user_agent: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<RegisterOutcome, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        let hash = fingerprint_hash.to_owned();
        let user_agent = user_agent.map(str::to_owned);
        conn.transaction::<_, diesel::result::Error, _>(async move |conn| {
            diesel::insert_into(d::table)
                .values((
                    d::fingerprint_hash.eq(&hash),
                    d::first_seen_at.eq(now),
                    d::last_seen_at.eq(now),
                    d::updated_at.eq(now),
                ))
                .on_conflict(d::fingerprint_hash)
                .do_nothing()
                .execute(conn)
                .await?;
            let row: DeviceRow = d::table
                .filter(d::fingerprint_hash.eq(&hash))
                .select(DeviceRow::as_select())
                .for_update()
                .get_result(conn)
                .await?;
            if row.is_blocked {
                return Ok(RegisterOutcome::Blocked);
            }
            let mut user_ids = row.user_ids;
            let mut risk = row.risk_score;
            if let Some(user) = user.map(|u| u.as_uuid())
                && !user_ids.contains(&user)
            {
                let before = i32::try_from(user_ids.len()).unwrap_or(i32::MAX);
                user_ids.push(user);
                risk = risk_after_link(risk, before);
            }
            let count = i32::try_from(user_ids.len()).unwrap_or(i32::MAX);
            diesel::update(d::table.filter(d::fingerprint_hash.eq(&hash)))
                .set((
                    d::user_ids.eq(&user_ids),
                    d::account_count.eq(count),
                    d::risk_score.eq(risk),
                    d::last_seen_at.eq(now),
                    d::updated_at.eq(now),
                    // Absent header: keep what we had.
                    user_agent.as_deref().map(|ua| d::user_agent.eq(ua)),
                ))
                .execute(conn)
                .await?;
            Ok(RegisterOutcome::Registered { risk_score: risk })
        })
        .await
        .map_err(repo_error)
    }

    async fn list_for_user(&self, user: UserId) -> Result<Vec<Device>, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        // `user_ids @> ARRAY[$1]` (the same rows as `$1 = ANY(user_ids)`) is the form the GIN
        // index serves.
        d::table
            .filter(d::user_ids.contains(vec![user.as_uuid()]))
            .order((d::last_seen_at.desc(), d::fingerprint_hash.asc()))
            .select(DeviceRow::as_select())
            .load(&mut conn)
            .await
            .map(|rows| rows.into_iter().map(DeviceRow::into_domain).collect())
            .map_err(repo_error)
    }
}
