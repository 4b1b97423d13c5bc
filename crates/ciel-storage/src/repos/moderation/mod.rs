//! `ModerationRepo` on Postgres: the audit log, reports (`flags`) and takedowns (`takedowns`).
//! Every write records its audit row and its trust change in the same transaction.

mod audit;
mod flags;
mod takedowns;

use super::errors::{pool_error, repo_error};
use crate::pool::PgPool;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ciel_domain::moderation::{ModerationAction, PostFlag, UserFlag};
use ciel_domain::pagination::{Page, PageRequest};
use ciel_domain::ports::{FlagError, ModerationRepo, RepoError};
use ciel_domain::time::Timestamp;
use ciel_domain::{PostId, UserId};
use ciel_schema::moderation_actions as ma;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

/// The audit log in `moderation_actions`, reports in `user_flags` and `post_flags`.
#[derive(Clone)]
pub struct PgModerationRepo {
    pool: PgPool,
}

impl PgModerationRepo {
    /// A repository over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = ma, check_for_backend(diesel::pg::Pg))]
struct ActionRow {
    id: Uuid,
    actor_id: Option<Uuid>,
    target_type: String,
    target_id: Uuid,
    reason: Option<String>,
    created_at: DateTime<Utc>,
}

#[async_trait]
impl ModerationRepo for PgModerationRepo {
    async fn list_actions(&self, page: PageRequest) -> Result<Page<ModerationAction>, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        let mut query = ma::table
            .select(ActionRow::as_select())
            .order((ma::created_at.desc(), ma::id.desc()))
            .limit(page.limit.fetch_count())
            .into_boxed();
        if let Some(c) = page.after {
            query = query.filter(
                ma::created_at
                    .lt(c.ts)
                    .or(ma::created_at.eq(c.ts).and(ma::id.lt(c.id))),
            );
        }
        let rows = query.load(&mut conn).await.map_err(repo_error)?;
        let actions = rows
            .into_iter()
            .map(|r| ModerationAction {
                id: r.id,
                actor_id: r.actor_id.map(Into::into),
                target_type: r.target_type,
                target_id: r.target_id,
                reason: r.reason,
                created_at: r.created_at,
            })
            .collect();
        Ok(Page::from_lookahead(
            actions,
            page.limit,
            ModerationAction::cursor,
        ))
    }

    async fn flag_user(
        &self,
        reporter: UserId,
        target: UserId,
        reason: Option<&str>,
        now: Timestamp,
    ) -> Result<UserFlag, FlagError> {
        if reporter == target {
            // The use case refuses self-reports first; never store one anyway.
            return Err(FlagError::OwnContent);
        }
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        flags::flag_user(&mut conn, reporter, target, reason, now).await
    }

    async fn flag_post(
        &self,
        reporter: UserId,
        post: PostId,
        reason: Option<&str>,
        now: Timestamp,
    ) -> Result<PostFlag, FlagError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        flags::flag_post(&mut conn, reporter, post, reason, now).await
    }

    async fn take_down_post(
        &self,
        post: PostId,
        actor: Option<UserId>,
        reason: Option<&str>,
        now: Timestamp,
    ) -> Result<bool, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        takedowns::take_down_post(&mut conn, post, actor, reason, now)
            .await
            .map_err(repo_error)
    }

    async fn take_down_comment(
        &self,
        comment: Uuid,
        actor: Option<UserId>,
        reason: Option<&str>,
        now: Timestamp,
    ) -> Result<bool, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        takedowns::take_down_comment(&mut conn, comment, actor, reason, now)
            .await
            .map_err(repo_error)
    }
}
