//! `InviteRepo` on Postgres. Users' codes (under the quota) and consumption at sign-up write
//! through the unit of work (`crate::uow`), where `ciel-app` runs the rules.

use super::errors::{pool_error, repo_error};
use crate::pool::PgPool;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ciel_domain::UserId;
use ciel_domain::invites::{Invite, InviteType, NewInvite};
use ciel_domain::ports::{InviteRepo, RepoError};
use ciel_schema::invite_codes;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

/// Invite codes in `invite_codes`.
#[derive(Clone)]
pub struct PgInviteRepo {
    pool: PgPool,
}

impl PgInviteRepo {
    /// A repository over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = invite_codes, check_for_backend(diesel::pg::Pg))]
pub(crate) struct InviteRow {
    code: String,
    created_by: Option<Uuid>,
    used_by: Option<Uuid>,
    used_at: Option<DateTime<Utc>>,
    expires_at: DateTime<Utc>,
    is_valid: bool,
    invite_type: String,
    max_uses: i32,
    use_count: i32,
    created_at: DateTime<Utc>,
}

impl InviteRow {
    pub(crate) fn into_domain(self) -> Invite {
        Invite {
            code: self.code,
            created_by: self.created_by.map(UserId::from),
            used_by: self.used_by.map(UserId::from),
            created_at: self.created_at,
            used_at: self.used_at,
            expires_at: self.expires_at,
            is_valid: self.is_valid,
            // Unknown stored types read as standard (the column is free text).
            invite_type: InviteType::parse(&self.invite_type).unwrap_or(InviteType::Standard),
            use_count: self.use_count,
            max_uses: self.max_uses,
        }
    }
}

#[async_trait]
impl InviteRepo for PgInviteRepo {
    async fn insert(&self, invite: &NewInvite) -> Result<Invite, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        insert_row(&mut conn, invite, invite.created_by.map(|u| u.as_uuid()))
            .await
            .map_err(repo_error)
    }

    async fn find(&self, code: &str) -> Result<Option<Invite>, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        invite_codes::table
            .filter(invite_codes::code.eq(code))
            .select(InviteRow::as_select())
            .first(&mut conn)
            .await
            .optional()
            .map(|row| row.map(InviteRow::into_domain))
            .map_err(repo_error)
    }

    async fn list_by_creator(&self, creator: UserId, limit: i64) -> Result<Vec<Invite>, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        invite_codes::table
            .filter(invite_codes::created_by.eq(creator.as_uuid()))
            .order((invite_codes::created_at.desc(), invite_codes::code.desc()))
            .limit(limit)
            .select(InviteRow::as_select())
            .load(&mut conn)
            .await
            .map(|rows| rows.into_iter().map(InviteRow::into_domain).collect())
            .map_err(repo_error)
    }

    async fn revoke(&self, code: &str, creator: UserId) -> Result<bool, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        diesel::update(
            invite_codes::table
                .filter(invite_codes::code.eq(code))
                .filter(invite_codes::created_by.eq(creator.as_uuid()))
                .filter(invite_codes::is_valid.eq(true))
                .filter(invite_codes::use_count.lt(invite_codes::max_uses)),
        )
        .set(invite_codes::is_valid.eq(false))
        .execute(&mut conn)
        .await
        .map(|n| n == 1)
        .map_err(repo_error)
    }
}

async fn insert_row(
    conn: &mut diesel_async::AsyncPgConnection,
    invite: &NewInvite,
    created_by: Option<Uuid>,
) -> QueryResult<Invite> {
    diesel::insert_into(invite_codes::table)
        .values((
            invite_codes::code.eq(&invite.code),
            invite_codes::created_by.eq(created_by),
            invite_codes::invite_type.eq(invite.invite_type.as_str()),
            invite_codes::created_at.eq(invite.created_at),
            invite_codes::expires_at.eq(invite.expires_at),
        ))
        .returning(InviteRow::as_returning())
        .get_result(conn)
        .await
        .map(InviteRow::into_domain)
}
