//! `RefreshTokenRepo` on Postgres: issuing and revoking. Rotation with reuse detection
//! (contract §3.7) writes through the unit of work (`crate::uow`), where `ciel-app` decides.

use super::errors::{pool_error, repo_error};
use crate::pool::PgPool;
use async_trait::async_trait;
use ciel_domain::ports::{NewRefreshToken, RefreshTokenRepo, RepoError};
use ciel_domain::time::Timestamp;
use ciel_schema::refresh_tokens as rt;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

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

/// Inserts a token row on `conn` (also used by the unit of work).
pub(crate) async fn insert_in(
    conn: &mut AsyncPgConnection,
    token: &NewRefreshToken,
) -> QueryResult<()> {
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

#[async_trait]
impl RefreshTokenRepo for PgRefreshTokenRepo {
    async fn insert(&self, token: &NewRefreshToken) -> Result<(), RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        insert_in(&mut conn, token).await.map_err(repo_error)
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
