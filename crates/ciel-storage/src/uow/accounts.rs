//! `AccountStore` on a unit of work's connection: identity checks, account and trust-row
//! creation, and the standing refresh rotation reads.

use super::PgTx;
use crate::repos::accounts::UserRow;
use crate::repos::errors::repo_error;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ciel_domain::UserId;
use ciel_domain::ports::{AccountStanding, AccountStore, IdentityHolders, RepoError};
use ciel_domain::time::Timestamp;
use ciel_domain::users::{NewAccount, User};
use ciel_schema::{user_trust_scores as t, users};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

#[async_trait]
impl AccountStore for PgTx<'_> {
    async fn identity_holders(
        &mut self,
        handle: &str,
        email: &str,
    ) -> Result<IdentityHolders, RepoError> {
        let holders: Vec<(bool, bool)> = users::table
            .filter(users::handle.eq(handle).or(users::email.eq(email)))
            .select((users::handle.eq(handle), users::email.eq(email)))
            .load(self.conn)
            .await
            .map_err(repo_error)?;
        Ok(IdentityHolders {
            handle_taken: holders.iter().any(|(h, _)| *h),
            email_taken: holders.iter().any(|(_, e)| *e),
        })
    }

    async fn insert_account(
        &mut self,
        account: &NewAccount,
        now: Timestamp,
    ) -> Result<Option<User>, RepoError> {
        diesel::insert_into(users::table)
            .values((
                users::handle.eq(account.handle.as_str()),
                users::email.eq(account.email.as_str()),
                users::display_name.eq(account.display_name.as_str()),
                users::bio.eq(account.bio.as_ref().map(|b| b.as_str())),
                users::avatar_key.eq(account.avatar_key.as_deref()),
                users::password_hash.eq(&account.password_hash),
                users::created_at.eq(now),
            ))
            .on_conflict_do_nothing()
            .returning(UserRow::as_returning())
            .get_result(self.conn)
            .await
            .optional()
            .map(|row| row.map(UserRow::into_domain))
            .map_err(repo_error)
    }

    async fn create_trust_record(&mut self, user: UserId, now: Timestamp) -> Result<(), RepoError> {
        diesel::insert_into(t::table)
            .values((
                t::user_id.eq(user.as_uuid()),
                t::created_at.eq(now),
                t::updated_at.eq(now),
                t::last_activity_at.eq(now),
            ))
            .execute(self.conn)
            .await
            .map(|_| ())
            .map_err(repo_error)
    }

    async fn account_standing(
        &mut self,
        user: UserId,
    ) -> Result<Option<AccountStanding>, RepoError> {
        let row: Option<(bool, Option<DateTime<Utc>>)> = users::table
            .left_join(t::table)
            .filter(users::id.eq(user.as_uuid()))
            .select((users::deleted_at.is_not_null(), t::banned_until.nullable()))
            .first(self.conn)
            .await
            .optional()
            .map_err(repo_error)?;
        Ok(row.map(|(deleted, banned_until)| AccountStanding {
            deleted,
            banned_until,
        }))
    }
}
