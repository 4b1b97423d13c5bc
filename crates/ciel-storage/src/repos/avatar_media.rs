//! `AvatarMediaRepo` on Postgres: processed media in `media`, by owner.

use super::errors::{pool_error, repo_error};
use crate::pool::PgPool;
use async_trait::async_trait;
use ciel_domain::UserId;
use ciel_domain::ports::{AvatarMediaRepo, RepoError};
use ciel_schema::media;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

/// Processed media in `media`.
#[derive(Clone)]
pub struct PgAvatarMediaRepo {
    pool: PgPool,
}

impl PgAvatarMediaRepo {
    /// A repository over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

#[async_trait]
impl AvatarMediaRepo for PgAvatarMediaRepo {
    async fn owned_medium_key(&self, owner: UserId, id: Uuid) -> Result<Option<String>, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        media::table
            .filter(media::id.eq(id))
            .filter(media::owner_id.eq(owner.as_uuid()))
            .select(media::medium_key)
            .first(&mut conn)
            .await
            .optional()
            .map_err(repo_error)
    }
}
