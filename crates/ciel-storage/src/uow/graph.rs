//! `GraphStore` on a unit of work's connection: users as actors, follow and block edges, the
//! follower and following lists.

use super::PgTx;
use crate::repos::accounts::UserRow;
use crate::repos::errors::repo_error;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ciel_domain::UserId;
use ciel_domain::graph::{FollowEntry, FollowFacts, FollowList, Relationship};
use ciel_domain::notifications::Actor;
use ciel_domain::pagination::PageRequest;
use ciel_domain::ports::{GraphStore, RepoError};
use ciel_domain::time::Timestamp;
use ciel_schema::{blocks, follows, users};
use diesel::dsl::exists;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

fn actor((id, handle, display_name): (Uuid, String, String)) -> Actor {
    Actor {
        id: UserId::from(id),
        handle,
        display_name,
    }
}

/// One page of follow edges joined to the user on the other side (`$other` = the column that
/// names them), key `(follows.created_at, $other)` DESC. A macro because the two lists differ
/// only in which column is which, and diesel types each column separately.
macro_rules! follow_page {
    ($conn:expr, $owner:expr, $other:expr, $user:expr, $page:expr) => {{
        let mut query = follows::table
            .inner_join(users::table.on(users::id.eq($other)))
            .filter($owner.eq($user))
            .filter(users::deleted_at.is_null())
            .select((UserRow::as_select(), follows::created_at))
            .order((follows::created_at.desc(), $other.desc()))
            .limit($page.limit.fetch_count())
            .into_boxed();
        if let Some(c) = $page.after {
            // `created_at <= ts` bounds the index range; the rest is the strict keyset step.
            query = query.filter(
                follows::created_at
                    .le(c.ts)
                    .and(follows::created_at.lt(c.ts).or($other.lt(c.id))),
            );
        }
        query.load::<(UserRow, DateTime<Utc>)>($conn).await
    }};
}

#[async_trait]
impl GraphStore for PgTx<'_> {
    async fn follower_ids(&mut self, user: UserId) -> Result<Vec<UserId>, RepoError> {
        follows::table
            .filter(follows::followee_id.eq(user.as_uuid()))
            .select(follows::follower_id)
            .load::<Uuid>(self.conn)
            .await
            .map(|ids| ids.into_iter().map(UserId::from).collect())
            .map_err(repo_error)
    }

    async fn active_user(&mut self, id: UserId) -> Result<Option<Actor>, RepoError> {
        users::table
            .filter(users::id.eq(id.as_uuid()))
            .filter(users::deleted_at.is_null())
            .select((users::id, users::handle, users::display_name))
            .first::<(Uuid, String, String)>(self.conn)
            .await
            .optional()
            .map(|row| row.map(actor))
            .map_err(repo_error)
    }

    async fn lock_active_user(&mut self, id: UserId) -> Result<Option<Actor>, RepoError> {
        // FOR NO KEY UPDATE: conflicts with itself and with the soft delete's UPDATE, not
        // with the FOR KEY SHARE that foreign-key checks take (so inserting edges, posts …
        // that reference the user is never blocked by it).
        users::table
            .filter(users::id.eq(id.as_uuid()))
            .filter(users::deleted_at.is_null())
            .select((users::id, users::handle, users::display_name))
            .for_no_key_update()
            .first::<(Uuid, String, String)>(self.conn)
            .await
            .optional()
            .map(|row| row.map(actor))
            .map_err(repo_error)
    }

    async fn follow_facts(
        &mut self,
        follower: UserId,
        followee: UserId,
        limit: i64,
    ) -> Result<FollowFacts, RepoError> {
        let (a, b) = (follower.as_uuid(), followee.as_uuid());
        let blocked = exists(
            blocks::table.filter(
                (blocks::blocker_id.eq(a).and(blocks::blocked_id.eq(b)))
                    .or(blocks::blocker_id.eq(b).and(blocks::blocked_id.eq(a))),
            ),
        );
        let following = exists(
            follows::table
                .filter(follows::follower_id.eq(a))
                .filter(follows::followee_id.eq(b)),
        );
        // At the limit when a `limit`-th follower (not soft-deleted, as the profile counts
        // them) exists: stops after `limit` rows instead of counting them all.
        let at_limit = exists(
            follows::table
                .inner_join(users::table.on(users::id.eq(follows::follower_id)))
                .filter(follows::followee_id.eq(b))
                .filter(users::deleted_at.is_null())
                .select(follows::follower_id)
                .offset((limit - 1).max(0))
                .limit(1),
        );
        let (blocked_either_way, already_following, followee_at_limit) =
            diesel::select((blocked, following, at_limit))
                .get_result::<(bool, bool, bool)>(self.conn)
                .await
                .map_err(repo_error)?;
        Ok(FollowFacts {
            blocked_either_way,
            already_following,
            followee_at_limit,
        })
    }

    async fn insert_follow(
        &mut self,
        follower: UserId,
        followee: UserId,
        now: Timestamp,
    ) -> Result<bool, RepoError> {
        diesel::insert_into(follows::table)
            .values((
                follows::follower_id.eq(follower.as_uuid()),
                follows::followee_id.eq(followee.as_uuid()),
                follows::created_at.eq(now),
            ))
            .on_conflict_do_nothing()
            .execute(self.conn)
            .await
            .map(|n| n == 1)
            .map_err(repo_error)
    }

    async fn delete_follow(
        &mut self,
        follower: UserId,
        followee: UserId,
    ) -> Result<bool, RepoError> {
        diesel::delete(
            follows::table
                .filter(follows::follower_id.eq(follower.as_uuid()))
                .filter(follows::followee_id.eq(followee.as_uuid())),
        )
        .execute(self.conn)
        .await
        .map(|n| n == 1)
        .map_err(repo_error)
    }

    async fn delete_follows_between(&mut self, a: UserId, b: UserId) -> Result<u64, RepoError> {
        let (a, b) = (a.as_uuid(), b.as_uuid());
        diesel::delete(
            follows::table.filter(
                (follows::follower_id.eq(a).and(follows::followee_id.eq(b)))
                    .or(follows::follower_id.eq(b).and(follows::followee_id.eq(a))),
            ),
        )
        .execute(self.conn)
        .await
        .map(|n| n as u64)
        .map_err(repo_error)
    }

    async fn insert_block(
        &mut self,
        blocker: UserId,
        blocked: UserId,
        now: Timestamp,
    ) -> Result<bool, RepoError> {
        diesel::insert_into(blocks::table)
            .values((
                blocks::blocker_id.eq(blocker.as_uuid()),
                blocks::blocked_id.eq(blocked.as_uuid()),
                blocks::created_at.eq(now),
            ))
            .on_conflict_do_nothing()
            .execute(self.conn)
            .await
            .map(|n| n == 1)
            .map_err(repo_error)
    }

    async fn delete_block(&mut self, blocker: UserId, blocked: UserId) -> Result<bool, RepoError> {
        diesel::delete(
            blocks::table
                .filter(blocks::blocker_id.eq(blocker.as_uuid()))
                .filter(blocks::blocked_id.eq(blocked.as_uuid())),
        )
        .execute(self.conn)
        .await
        .map(|n| n == 1)
        .map_err(repo_error)
    }

    async fn relationship(
        &mut self,
        viewer: UserId,
        other: UserId,
    ) -> Result<Relationship, RepoError> {
        let (v, o) = (viewer.as_uuid(), other.as_uuid());
        let follow = |from: Uuid, to: Uuid| {
            exists(
                follows::table
                    .filter(follows::follower_id.eq(from))
                    .filter(follows::followee_id.eq(to)),
            )
        };
        let block = |from: Uuid, to: Uuid| {
            exists(
                blocks::table
                    .filter(blocks::blocker_id.eq(from))
                    .filter(blocks::blocked_id.eq(to)),
            )
        };
        let (is_following, is_followed_by, is_blocking, is_blocked_by) =
            diesel::select((follow(v, o), follow(o, v), block(v, o), block(o, v)))
                .get_result::<(bool, bool, bool, bool)>(self.conn)
                .await
                .map_err(repo_error)?;
        Ok(Relationship {
            is_following,
            is_followed_by,
            is_blocking,
            is_blocked_by,
        })
    }

    async fn follow_list(
        &mut self,
        user: UserId,
        list: FollowList,
        page: PageRequest,
    ) -> Result<Vec<FollowEntry>, RepoError> {
        let user = user.as_uuid();
        let rows = match list {
            FollowList::Followers => follow_page!(
                self.conn,
                follows::followee_id,
                follows::follower_id,
                user,
                page
            ),
            FollowList::Following => follow_page!(
                self.conn,
                follows::follower_id,
                follows::followee_id,
                user,
                page
            ),
        }
        .map_err(repo_error)?;
        Ok(rows
            .into_iter()
            .map(|(row, followed_at)| FollowEntry {
                user: row.into_domain(),
                followed_at,
            })
            .collect())
    }
}
