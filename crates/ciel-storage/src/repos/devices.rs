//! `DeviceRepo` on Postgres: the devices linked to a user. Registration (blocking, linking,
//! risk) writes through the unit of work (`crate::uow`), where `ciel-app` decides.

use super::errors::{pool_error, repo_error};
use crate::pool::PgPool;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ciel_domain::UserId;
use ciel_domain::devices::Device;
use ciel_domain::ports::{DeviceRepo, RepoError};
use ciel_schema::device_fingerprints as d;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

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
