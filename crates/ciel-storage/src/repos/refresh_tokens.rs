//! `RefreshTokenRepo` on Postgres: rotation with reuse detection (contract §3.7).

use super::errors::{pool_error, repo_error};
use crate::pool::PgPool;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ciel_domain::UserId;
use ciel_domain::ports::{NewRefreshToken, RefreshTokenRepo, RepoError, RotateOutcome};
use ciel_domain::time::Timestamp;
use ciel_schema::{refresh_tokens as rt, user_trust_scores as t, users};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// Refresh tokens in `refresh_tokens`.
#[derive(Clone)]
pub struct PgRefreshTokenRepo {
    pool: PgPool,
}

impl PgRefreshTokenRepo {
    /// A repository over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

async fn insert_in(conn: &mut AsyncPgConnection, token: &NewRefreshToken) -> QueryResult<()> {
    diesel::insert_into(rt::table)
        .values((
            rt::id.eq(token.id),
            rt::user_id.eq(token.user_id.as_uuid()),
            rt::token_hash.eq(&token.token_hash),
            rt::expires_at.eq(token.expires_at),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// The rotation, inside the caller's transaction.
async fn rotate_in_tx(
    conn: &mut AsyncPgConnection,
    jti: Uuid,
    user: Uuid,
    token_hash: &str,
    next: &NewRefreshToken,
    now: Timestamp,
) -> QueryResult<RotateOutcome> {
    // The lock serialises concurrent rotations: the loser waits, then reads the revoked row.
    let revoked_at: Option<Option<DateTime<Utc>>> = rt::table
        .filter(rt::id.eq(jti))
        .filter(rt::user_id.eq(user))
        .filter(rt::token_hash.eq(token_hash))
        .filter(rt::expires_at.gt(now))
        .select(rt::revoked_at)
        .for_update()
        .first(conn)
        .await
        .optional()?;
    let Some(revoked_at) = revoked_at else {
        return Ok(RotateOutcome::NotFound);
    };
    if revoked_at.is_some() {
        diesel::update(
            rt::table
                .filter(rt::user_id.eq(user))
                .filter(rt::revoked_at.is_null()),
        )
        .set(rt::revoked_at.eq(now))
        .execute(conn)
        .await?;
        return Ok(RotateOutcome::Reused);
    }
    let state: Option<(bool, Option<DateTime<Utc>>)> = users::table
        .left_join(t::table)
        .filter(users::id.eq(user))
        .select((users::deleted_at.is_not_null(), t::banned_until.nullable()))
        .first(conn)
        .await
        .optional()?;
    match state {
        None | Some((true, _)) => return Ok(RotateOutcome::UserDeleted),
        Some((false, Some(until))) if until > now => return Ok(RotateOutcome::Banned),
        Some(_) => {}
    }
    insert_in(conn, next).await?;
    diesel::update(rt::table.filter(rt::id.eq(jti)))
        .set((rt::revoked_at.eq(now), rt::replaced_by.eq(next.id)))
        .execute(conn)
        .await?;
    Ok(RotateOutcome::Rotated)
}

#[async_trait]
impl RefreshTokenRepo for PgRefreshTokenRepo {
    async fn insert(&self, token: &NewRefreshToken) -> Result<(), RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        insert_in(&mut conn, token).await.map_err(repo_error)
    }

    async fn rotate(
        &self,
        jti: Uuid,
        user_id: UserId,
        token_hash: &str,
        next: &NewRefreshToken,
        now: Timestamp,
    ) -> Result<RotateOutcome, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        conn.transaction::<_, diesel::result::Error, _>(async move |conn| {
            rotate_in_tx(conn, jti, user_id.as_uuid(), token_hash, next, now).await
        })
        .await
        .map_err(repo_error)
    }

    async fn revoke(&self, token_hash: &str, now: Timestamp) -> Result<(), RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        diesel::update(
            rt::table
                .filter(rt::token_hash.eq(token_hash))
                .filter(rt::revoked_at.is_null()),
        )
        .set(rt::revoked_at.eq(now))
        .execute(&mut conn)
        .await
        .map(|_| ())
        .map_err(repo_error)
    }
}
