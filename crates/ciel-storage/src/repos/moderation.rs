//! `ModerationRepo` on Postgres.

use super::errors::{pool_error, repo_error};
use super::trust;
use crate::pool::PgPool;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ciel_domain::moderation::ModerationAction;
use ciel_domain::moderation::{PostFlag, UserFlag};
use ciel_domain::pagination::{Page, PageRequest};
use ciel_domain::ports::{FlagError, ModerationRepo, RepoError};
use ciel_domain::time::Timestamp;
use ciel_domain::trust::TrustEvent;
use ciel_domain::{PostId, UserId};
use ciel_schema::moderation_actions as ma;
use ciel_schema::{comments, post_flags, posts, user_flags, users};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// The audit log in `moderation_actions`.
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
            return Err(FlagError::OwnContent);
        }
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        let reason = reason.map(str::to_owned);
        conn.transaction::<_, FlagTxError, _>(async move |conn| {
            let exists: bool = diesel::select(diesel::dsl::exists(
                users::table
                    .filter(users::id.eq(target.as_uuid()))
                    .filter(users::deleted_at.is_null()),
            ))
            .get_result(conn)
            .await?;
            if !exists {
                return Err(FlagTxError::NotFound);
            }
            let (id, created_at): (Uuid, Timestamp) = diesel::insert_into(user_flags::table)
                .values((
                    user_flags::reporter_id.eq(reporter.as_uuid()),
                    user_flags::target_id.eq(target.as_uuid()),
                    user_flags::reason.eq(&reason),
                    user_flags::created_at.eq(now),
                ))
                .returning((user_flags::id, user_flags::created_at))
                .get_result(conn)
                .await?;
            audit(
                conn,
                Some(reporter),
                "user_flag",
                target.as_uuid(),
                reason.as_deref(),
                now,
            )
            .await?;
            trust::apply_in_tx(conn, target.as_uuid(), TrustEvent::FlagReceived, now).await?;
            Ok(UserFlag {
                id,
                reporter_id: reporter,
                target_id: target,
                reason,
                created_at,
            })
        })
        .await
        .map_err(FlagTxError::into_flag_error)
    }

    async fn flag_post(
        &self,
        reporter: UserId,
        post: PostId,
        reason: Option<&str>,
        now: Timestamp,
    ) -> Result<PostFlag, FlagError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        let reason = reason.map(str::to_owned);
        conn.transaction::<_, FlagTxError, _>(async move |conn| {
            let owner: Option<Uuid> = posts::table
                .inner_join(users::table.on(users::id.eq(posts::owner_id)))
                .filter(posts::id.eq(post.as_uuid()))
                .filter(users::deleted_at.is_null())
                .select(posts::owner_id)
                .first(conn)
                .await
                .optional()?;
            let owner = owner.ok_or(FlagTxError::NotFound)?;
            if owner == reporter.as_uuid() {
                return Err(FlagTxError::OwnContent);
            }
            let (id, created_at): (Uuid, Timestamp) = diesel::insert_into(post_flags::table)
                .values((
                    post_flags::reporter_id.eq(reporter.as_uuid()),
                    post_flags::post_id.eq(post.as_uuid()),
                    post_flags::reason.eq(&reason),
                    post_flags::created_at.eq(now),
                ))
                .returning((post_flags::id, post_flags::created_at))
                .get_result(conn)
                .await?;
            audit(
                conn,
                Some(reporter),
                "post_flag",
                post.as_uuid(),
                reason.as_deref(),
                now,
            )
            .await?;
            trust::apply_in_tx(conn, owner, TrustEvent::FlagReceived, now).await?;
            Ok(PostFlag {
                id,
                reporter_id: reporter,
                post_id: post,
                reason,
                created_at,
            })
        })
        .await
        .map_err(FlagTxError::into_flag_error)
    }

    async fn take_down_post(
        &self,
        post: PostId,
        actor: Option<UserId>,
        reason: Option<&str>,
        now: Timestamp,
    ) -> Result<bool, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        let reason = reason.map(str::to_owned);
        conn.transaction::<_, diesel::result::Error, _>(async move |conn| {
            let owner: Option<Uuid> =
                diesel::delete(posts::table.filter(posts::id.eq(post.as_uuid())))
                    .returning(posts::owner_id)
                    .get_result(conn)
                    .await
                    .optional()?;
            let Some(owner) = owner else {
                return Ok(false);
            };
            audit(conn, actor, "post", post.as_uuid(), reason.as_deref(), now).await?;
            trust::apply_in_tx(conn, owner, TrustEvent::ContentRemoved, now).await?;
            Ok(true)
        })
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
        let reason = reason.map(str::to_owned);
        conn.transaction::<_, diesel::result::Error, _>(async move |conn| {
            let author: Option<Uuid> =
                diesel::delete(comments::table.filter(comments::id.eq(comment)))
                    .returning(comments::user_id)
                    .get_result(conn)
                    .await
                    .optional()?;
            let Some(author) = author else {
                return Ok(false);
            };
            audit(conn, actor, "comment", comment, reason.as_deref(), now).await?;
            trust::apply_in_tx(conn, author, TrustEvent::ContentRemoved, now).await?;
            Ok(true)
        })
        .await
        .map_err(repo_error)
    }
}

/// Records one audit-log row inside the caller's transaction.
async fn audit(
    conn: &mut AsyncPgConnection,
    actor: Option<UserId>,
    target_type: &str,
    target_id: Uuid,
    reason: Option<&str>,
    now: Timestamp,
) -> QueryResult<()> {
    diesel::insert_into(ma::table)
        .values((
            ma::actor_id.eq(actor.map(|a| a.as_uuid())),
            ma::target_type.eq(target_type),
            ma::target_id.eq(target_id),
            ma::reason.eq(reason),
            ma::created_at.eq(now),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Why a report transaction stopped.
enum FlagTxError {
    NotFound,
    OwnContent,
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for FlagTxError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Db(e)
    }
}

impl FlagTxError {
    fn into_flag_error(self) -> FlagError {
        match self {
            Self::NotFound => FlagError::NotFound,
            Self::OwnContent => FlagError::OwnContent,
            Self::Db(e) => match repo_error(e) {
                RepoError::Conflict(_) => FlagError::Duplicate,
                other => FlagError::Repo(other),
            },
        }
    }
}
