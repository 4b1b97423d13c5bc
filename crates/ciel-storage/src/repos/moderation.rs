//! `ModerationRepo` on Postgres: the audit log. Reports and takedowns write through the unit
//! of work (`crate::uow`), so `ciel-app` records the audit row and the trust change with them.

use super::errors::{pool_error, repo_error};
use crate::pool::PgPool;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ciel_domain::moderation::ModerationAction;
use ciel_domain::pagination::{Page, PageRequest};
use ciel_domain::ports::{ModerationRepo, RepoError};
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
}
