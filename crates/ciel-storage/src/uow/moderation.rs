//! `ModerationStore` on a unit of work's connection: reports (a repeated report writes
//! nothing), audit rows and takedown deletions.

use super::PgTx;
use crate::repos::errors::repo_error;
use async_trait::async_trait;
use ciel_domain::moderation::{NewModerationAction, PostFlag, UserFlag};
use ciel_domain::ports::{ModerationStore, RepoError};
use ciel_domain::time::Timestamp;
use ciel_domain::{PostId, UserId};
use ciel_schema::{comments, moderation_actions as ma, post_flags, posts, user_flags, users};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

#[async_trait]
impl ModerationStore for PgTx<'_> {
    async fn share_lock_live_user(&mut self, user: UserId) -> Result<bool, RepoError> {
        users::table
            .filter(users::id.eq(user.as_uuid()))
            .filter(users::deleted_at.is_null())
            .select(users::id)
            .for_share()
            .first::<Uuid>(self.conn)
            .await
            .optional()
            .map(|row| row.is_some())
            .map_err(repo_error)
    }

    async fn share_lock_post_owner(&mut self, post: PostId) -> Result<Option<UserId>, RepoError> {
        posts::table
            .inner_join(users::table.on(users::id.eq(posts::owner_id)))
            .filter(posts::id.eq(post.as_uuid()))
            .filter(users::deleted_at.is_null())
            .select(posts::owner_id)
            .for_share()
            .first::<Uuid>(self.conn)
            .await
            .optional()
            .map(|row| row.map(UserId::from))
            .map_err(repo_error)
    }

    async fn insert_user_flag(
        &mut self,
        reporter: UserId,
        target: UserId,
        reason: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<UserFlag>, RepoError> {
        let row: Option<(Uuid, Timestamp)> = diesel::insert_into(user_flags::table)
            .values((
                user_flags::reporter_id.eq(reporter.as_uuid()),
                user_flags::target_id.eq(target.as_uuid()),
                user_flags::reason.eq(reason),
                user_flags::created_at.eq(now),
            ))
            .on_conflict((user_flags::reporter_id, user_flags::target_id))
            .do_nothing()
            .returning((user_flags::id, user_flags::created_at))
            .get_result(self.conn)
            .await
            .optional()
            .map_err(repo_error)?;
        Ok(row.map(|(id, created_at)| UserFlag {
            id,
            reporter_id: reporter,
            target_id: target,
            reason: reason.map(str::to_owned),
            created_at,
        }))
    }

    async fn insert_post_flag(
        &mut self,
        reporter: UserId,
        post: PostId,
        reason: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<PostFlag>, RepoError> {
        let row: Option<(Uuid, Timestamp)> = diesel::insert_into(post_flags::table)
            .values((
                post_flags::reporter_id.eq(reporter.as_uuid()),
                post_flags::post_id.eq(post.as_uuid()),
                post_flags::reason.eq(reason),
                post_flags::created_at.eq(now),
            ))
            .on_conflict((post_flags::reporter_id, post_flags::post_id))
            .do_nothing()
            .returning((post_flags::id, post_flags::created_at))
            .get_result(self.conn)
            .await
            .optional()
            .map_err(repo_error)?;
        Ok(row.map(|(id, created_at)| PostFlag {
            id,
            reporter_id: reporter,
            post_id: post,
            reason: reason.map(str::to_owned),
            created_at,
        }))
    }

    async fn record_moderation_action(
        &mut self,
        action: &NewModerationAction,
    ) -> Result<(), RepoError> {
        diesel::insert_into(ma::table)
            .values((
                ma::actor_id.eq(action.actor.map(|a| a.as_uuid())),
                ma::target_type.eq(action.target.as_str()),
                ma::target_id.eq(action.target_id),
                ma::reason.eq(action.reason.as_deref()),
                ma::created_at.eq(action.created_at),
            ))
            .execute(self.conn)
            .await
            .map(|_| ())
            .map_err(repo_error)
    }

    async fn remove_post_for_takedown(
        &mut self,
        post: PostId,
    ) -> Result<Option<UserId>, RepoError> {
        diesel::delete(posts::table.filter(posts::id.eq(post.as_uuid())))
            .returning(posts::owner_id)
            .get_result::<Uuid>(self.conn)
            .await
            .optional()
            .map(|row| row.map(UserId::from))
            .map_err(repo_error)
    }

    async fn remove_comment_for_takedown(
        &mut self,
        comment: Uuid,
    ) -> Result<Option<UserId>, RepoError> {
        diesel::delete(comments::table.filter(comments::id.eq(comment)))
            .returning(comments::user_id)
            .get_result::<Uuid>(self.conn)
            .await
            .optional()
            .map(|row| row.map(UserId::from))
            .map_err(repo_error)
    }
}
