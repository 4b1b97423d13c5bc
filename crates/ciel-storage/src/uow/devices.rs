//! `DeviceStore` on a unit of work's connection: the fingerprint row upserted and locked, then
//! written back with what the use case decided.

use super::PgTx;
use crate::repos::errors::repo_error;
use async_trait::async_trait;
use ciel_domain::UserId;
use ciel_domain::ports::{DeviceSeen, DeviceState, DeviceStore, RepoError};
use ciel_domain::time::Timestamp;
use ciel_schema::device_fingerprints as d;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

#[async_trait]
impl DeviceStore for PgTx<'_> {
    async fn lock_device(
        &mut self,
        fingerprint_hash: &str,
        now: Timestamp,
    ) -> Result<DeviceState, RepoError> {
        diesel::insert_into(d::table)
            .values((
                d::fingerprint_hash.eq(fingerprint_hash),
                d::first_seen_at.eq(now),
                d::last_seen_at.eq(now),
                d::updated_at.eq(now),
            ))
            .on_conflict(d::fingerprint_hash)
            .do_nothing()
            .execute(self.conn)
            .await
            .map_err(repo_error)?;
        let (user_ids, risk_score, is_blocked): (Vec<Uuid>, i32, bool) = d::table
            .filter(d::fingerprint_hash.eq(fingerprint_hash))
            .select((d::user_ids, d::risk_score, d::is_blocked))
            .for_update()
            .get_result(self.conn)
            .await
            .map_err(repo_error)?;
        Ok(DeviceState {
            user_ids: user_ids.into_iter().map(UserId::from).collect(),
            risk_score,
            is_blocked,
        })
    }

    async fn store_device(
        &mut self,
        fingerprint_hash: &str,
        seen: &DeviceSeen<'_>,
    ) -> Result<(), RepoError> {
        let ids: Vec<Uuid> = seen.user_ids.iter().map(|u| u.as_uuid()).collect();
        let count = i32::try_from(ids.len()).unwrap_or(i32::MAX);
        diesel::update(d::table.filter(d::fingerprint_hash.eq(fingerprint_hash)))
            .set((
                d::user_ids.eq(&ids),
                d::account_count.eq(count),
                d::risk_score.eq(seen.risk_score),
                d::last_seen_at.eq(seen.seen_at),
                d::updated_at.eq(seen.seen_at),
                // Absent header: keep what we had.
                seen.user_agent.map(|ua| d::user_agent.eq(ua)),
            ))
            .execute(self.conn)
            .await
            .map(|_| ())
            .map_err(repo_error)
    }
}
