//! `InviteStore` on a unit of work's connection: the code row locked for consumption, users'
//! codes inserted unless the code exists, and the invite lineage.

use super::PgTx;
use crate::repos::errors::repo_error;
use crate::repos::invites::InviteRow;
use async_trait::async_trait;
use ciel_domain::UserId;
use ciel_domain::invites::{Invite, InviteUse, NewInvite};
use ciel_domain::ports::{InviteStore, RepoError};
use ciel_domain::time::Timestamp;
use ciel_schema::{invite_codes as ic, invite_relationships as ir};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

#[async_trait]
impl InviteStore for PgTx<'_> {
    async fn lock_invite(&mut self, code: &str) -> Result<Option<Invite>, RepoError> {
        ic::table
            .filter(ic::code.eq(code))
            .select(InviteRow::as_select())
            .for_update()
            .first(self.conn)
            .await
            .optional()
            .map(|row| row.map(InviteRow::into_domain))
            .map_err(repo_error)
    }

    async fn record_invite_use(&mut self, code: &str, used: &InviteUse) -> Result<(), RepoError> {
        diesel::update(ic::table.filter(ic::code.eq(code)))
            .set((
                ic::use_count.eq(used.use_count),
                ic::used_by.eq(used.used_by.as_uuid()),
                ic::used_at.eq(used.used_at),
                ic::is_valid.eq(used.is_valid),
            ))
            .execute(self.conn)
            .await
            .map(|_| ())
            .map_err(repo_error)
    }

    async fn insert_invite_if_free(
        &mut self,
        invite: &NewInvite,
    ) -> Result<Option<Invite>, RepoError> {
        diesel::insert_into(ic::table)
            .values((
                ic::code.eq(&invite.code),
                ic::created_by.eq(invite.created_by.map(|u| u.as_uuid())),
                ic::invite_type.eq(invite.invite_type.as_str()),
                ic::created_at.eq(invite.created_at),
                ic::expires_at.eq(invite.expires_at),
            ))
            .on_conflict(ic::code)
            .do_nothing()
            .returning(InviteRow::as_returning())
            .get_result(self.conn)
            .await
            .optional()
            .map(|row| row.map(InviteRow::into_domain))
            .map_err(repo_error)
    }

    async fn record_invite_lineage(
        &mut self,
        inviter: UserId,
        invitee: UserId,
        code: &str,
        now: Timestamp,
    ) -> Result<(), RepoError> {
        diesel::insert_into(ir::table)
            .values((
                ir::inviter_id.eq(inviter.as_uuid()),
                ir::invitee_id.eq(invitee.as_uuid()),
                ir::invite_code.eq(code),
                ir::invited_at.eq(now),
            ))
            .execute(self.conn)
            .await
            .map(|_| ())
            .map_err(repo_error)
    }
}
