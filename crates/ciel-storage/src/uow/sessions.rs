//! `SessionStore` on a unit of work's connection: refresh-token rows locked, revoked, inserted
//! and marked replaced.

use super::PgTx;
use crate::repos::errors::repo_error;
use crate::repos::refresh_tokens::insert_in;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ciel_domain::UserId;
use ciel_domain::ports::{LockedRefreshToken, NewRefreshToken, RepoError, SessionStore};
use ciel_domain::time::Timestamp;
use ciel_schema::refresh_tokens as rt;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

#[async_trait]
impl SessionStore for PgTx<'_> {
    async fn lock_refresh_token(
        &mut self,
        jti: Uuid,
        user: UserId,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<LockedRefreshToken>, RepoError> {
        let revoked_at: Option<Option<DateTime<Utc>>> = rt::table
            .filter(rt::id.eq(jti))
            .filter(rt::user_id.eq(user.as_uuid()))
            .filter(rt::token_hash.eq(token_hash))
            .filter(rt::expires_at.gt(now))
            .select(rt::revoked_at)
            .for_update()
            .first(self.conn)
            .await
            .optional()
            .map_err(repo_error)?;
        Ok(revoked_at.map(|at| LockedRefreshToken {
            revoked: at.is_some(),
        }))
    }

    async fn revoke_user_refresh_tokens(
        &mut self,
        user: UserId,
        now: Timestamp,
    ) -> Result<(), RepoError> {
        diesel::update(
            rt::table
                .filter(rt::user_id.eq(user.as_uuid()))
                .filter(rt::revoked_at.is_null()),
        )
        .set(rt::revoked_at.eq(now))
        .execute(self.conn)
        .await
        .map(|_| ())
        .map_err(repo_error)
    }

    async fn insert_refresh_token(&mut self, token: &NewRefreshToken) -> Result<(), RepoError> {
        insert_in(self.conn, token).await.map_err(repo_error)
    }

    async fn mark_refresh_token_replaced(
        &mut self,
        jti: Uuid,
        next: Uuid,
        now: Timestamp,
    ) -> Result<(), RepoError> {
        diesel::update(rt::table.filter(rt::id.eq(jti)))
            .set((rt::revoked_at.eq(now), rt::replaced_by.eq(next)))
            .execute(self.conn)
            .await
            .map(|_| ())
            .map_err(repo_error)
    }
}
