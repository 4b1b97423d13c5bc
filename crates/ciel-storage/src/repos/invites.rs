//! `InviteRepo` on Postgres.

use super::errors::{pool_error, repo_error};
use super::trust;
use crate::pool::PgPool;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ciel_domain::UserId;
use ciel_domain::invites::{Invite, InviteType, NewInvite};
use ciel_domain::ports::{CreateInviteError, InviteRepo, RepoError};
use ciel_domain::trust::invite_quota;
use ciel_schema::invite_codes;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
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

    async fn insert_for_user(
        &self,
        invite: &NewInvite,
        creator: UserId,
    ) -> Result<Invite, CreateInviteError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        // A user's code is always a standard code created by them, whatever the caller filled in.
        let invite = NewInvite {
            created_by: Some(creator),
            invite_type: InviteType::Standard,
            ..invite.clone()
        };
        conn.transaction::<_, QuotaTxError, _>(async move |conn| {
            let now = Utc::now();
            // The creator's trust row is the quota's lock: concurrent creations serialise here.
            let mut record = trust::lock_in_tx(conn, creator.as_uuid()).await?;
            let limit = invite_quota(record.level);
            if record.invites_sent >= limit {
                return Err(QuotaTxError::Quota(limit));
            }
            let stored = insert_row(conn, &invite, Some(creator.as_uuid())).await?;
            record.invites_sent += 1;
            trust::store_in_tx(conn, creator.as_uuid(), &record, now).await?;
            Ok(stored)
        })
        .await
        .map_err(|e| match e {
            QuotaTxError::Quota(limit) => CreateInviteError::QuotaReached { limit },
            QuotaTxError::Db(e) => CreateInviteError::Repo(repo_error(e)),
        })
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

/// Why the quota transaction stopped.
enum QuotaTxError {
    Quota(i32),
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for QuotaTxError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Db(e)
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
            invite_codes::expires_at.eq(invite.expires_at),
        ))
        .returning(InviteRow::as_returning())
        .get_result(conn)
        .await
        .map(InviteRow::into_domain)
}
