//! The sign-up transaction (contract §3.6): lock the invite, check it, create the account and
//! its trust record, consume the code, record the lineage and reward the inviter — or nothing.

use super::UserRow;
use crate::pool::PgPool;
use crate::repos::errors::{pool_error, repo_error};
use crate::repos::invites::InviteRow;
use crate::repos::trust;
use ciel_domain::invites::InviteProblem;
use ciel_domain::ports::{RepoError, SignUpError};
use ciel_domain::time::Timestamp;
use ciel_domain::trust::TrustEvent;
use ciel_domain::users::{NewAccount, User};
use ciel_schema::{invite_codes as ic, invite_relationships as ir, user_trust_scores as t, users};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

/// What ends the transaction early: a query failure or a refusal (both roll back).
enum TxError {
    Db(diesel::result::Error),
    Refused(SignUpError),
}

impl From<diesel::result::Error> for TxError {
    fn from(err: diesel::result::Error) -> Self {
        Self::Db(err)
    }
}

impl From<InviteProblem> for TxError {
    fn from(problem: InviteProblem) -> Self {
        Self::Refused(SignUpError::Invite(problem))
    }
}

impl TxError {
    /// The port's error; a unique violation on handle or email (a concurrent sign-up won the
    /// race past the explicit check) becomes the matching "taken".
    fn into_sign_up(self) -> SignUpError {
        match self {
            Self::Refused(err) => err,
            Self::Db(err) => match repo_error(err) {
                RepoError::Conflict(c) if c == "users_handle_key" => SignUpError::HandleTaken,
                RepoError::Conflict(c) if c == "users_email_key" => SignUpError::EmailTaken,
                other => SignUpError::Repo(other),
            },
        }
    }
}

/// Runs the whole sign-up in one transaction.
pub(super) async fn run(
    pool: &PgPool,
    account: &NewAccount,
    invite_code: &str,
    now: Timestamp,
) -> Result<User, SignUpError> {
    let mut conn = pool
        .get()
        .await
        .map_err(|e| SignUpError::Repo(pool_error(e)))?;
    conn.transaction::<_, TxError, _>(async move |conn| {
        let invite = ic::table
            .filter(ic::code.eq(invite_code))
            .select(InviteRow::as_select())
            .for_update()
            .first(conn)
            .await
            .optional()?
            .ok_or(InviteProblem::Unknown)?
            .into_domain();
        invite.check_consumable(now)?;
        check_free(conn, account).await?;

        let user = diesel::insert_into(users::table)
            .values((
                users::handle.eq(account.handle.as_str()),
                users::email.eq(account.email.as_str()),
                users::display_name.eq(account.display_name.as_str()),
                users::bio.eq(account.bio.as_ref().map(|b| b.as_str())),
                users::avatar_key.eq(account.avatar_key.as_deref()),
                users::password_hash.eq(&account.password_hash),
                users::created_at.eq(now),
            ))
            .returning(UserRow::as_returning())
            .get_result(conn)
            .await?
            .into_domain();
        let user_id = user.id.as_uuid();

        // The row is locked, so the new count is exact.
        let use_count = invite.use_count + 1;
        diesel::update(ic::table.filter(ic::code.eq(&invite.code)))
            .set((
                ic::use_count.eq(use_count),
                ic::used_by.eq(user_id),
                ic::used_at.eq(now),
                ic::is_valid.eq(use_count < invite.max_uses),
            ))
            .execute(conn)
            .await?;

        diesel::insert_into(t::table)
            .values((
                t::user_id.eq(user_id),
                t::created_at.eq(now),
                t::updated_at.eq(now),
                t::last_activity_at.eq(now),
            ))
            .execute(conn)
            .await?;

        if let Some(inviter) = invite.created_by {
            diesel::insert_into(ir::table)
                .values((
                    ir::inviter_id.eq(inviter.as_uuid()),
                    ir::invitee_id.eq(user_id),
                    ir::invite_code.eq(&invite.code),
                    ir::invited_at.eq(now),
                ))
                .execute(conn)
                .await?;
            trust::apply_in_tx(conn, inviter.as_uuid(), TrustEvent::SuccessfulInvite, now).await?;
        }
        Ok(user)
    })
    .await
    .map_err(TxError::into_sign_up)
}

/// Refuses a handle, then an email, already held by any account (deleted ones included), so
/// that a double collision always reports the handle.
async fn check_free(conn: &mut AsyncPgConnection, account: &NewAccount) -> Result<(), TxError> {
    let handle = account.handle.as_str();
    let holders: Vec<bool> = users::table
        .filter(
            users::handle
                .eq(handle)
                .or(users::email.eq(account.email.as_str())),
        )
        .select(users::handle.eq(handle))
        .load(conn)
        .await?;
    if holders.iter().any(|is_handle| *is_handle) {
        return Err(TxError::Refused(SignUpError::HandleTaken));
    }
    if !holders.is_empty() {
        return Err(TxError::Refused(SignUpError::EmailTaken));
    }
    Ok(())
}
