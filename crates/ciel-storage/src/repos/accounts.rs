//! `AccountRepo` on Postgres: accounts in `users`, their ban state from `user_trust_scores`.
//! Sign-up writes through the unit of work (`crate::uow`), where `ciel-app` runs its rules.

use super::errors::{pool_error, repo_error};
use crate::active_user::active_user;
use crate::pool::PgPool;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ciel_domain::UserId;
use ciel_domain::ports::{AccountRepo, RepoError};
use ciel_domain::time::Timestamp;
use ciel_domain::users::{Credentials, ProfilePatch, User, UserCounts};
use ciel_schema::{blocks, follows, posts, refresh_tokens, user_trust_scores as t, users};
use diesel::dsl::exists;
use diesel::prelude::*;
use diesel::query_source::Alias;
use diesel_async::{AsyncConnection, RunQueryDsl};
use uuid::Uuid;

/// Accounts in `users`.
#[derive(Clone)]
pub struct PgAccountRepo {
    pool: PgPool,
}

impl PgAccountRepo {
    /// A repository over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

/// A `users` row without its password hash.
#[derive(Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub(crate) struct UserRow {
    id: Uuid,
    handle: String,
    email: String,
    display_name: String,
    bio: Option<String>,
    avatar_key: Option<String>,
    created_at: DateTime<Utc>,
    deleted_at: Option<DateTime<Utc>>,
}

impl UserRow {
    pub(crate) fn into_domain(self) -> User {
        User {
            id: UserId::from(self.id),
            handle: self.handle,
            email: self.email,
            display_name: self.display_name,
            bio: self.bio,
            avatar_key: self.avatar_key,
            created_at: self.created_at,
            deleted_at: self.deleted_at,
        }
    }
}

/// The columns a profile update sets; `None` leaves a column as it is.
#[derive(AsChangeset)]
#[diesel(table_name = users)]
struct ProfileChanges<'a> {
    display_name: Option<&'a str>,
    bio: Option<&'a str>,
    avatar_key: Option<&'a str>,
}

#[async_trait]
impl AccountRepo for PgAccountRepo {
    async fn credentials(&self, email_or_handle: &str) -> Result<Option<Credentials>, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        // One row at most: an email match wins over a handle match.
        let row: Option<(Uuid, String, bool, Option<DateTime<Utc>>)> = users::table
            .left_join(t::table)
            .filter(
                users::email
                    .eq(email_or_handle)
                    .or(users::handle.eq(email_or_handle)),
            )
            .order(users::email.eq(email_or_handle).desc())
            .select((
                users::id,
                users::password_hash,
                users::deleted_at.is_not_null(),
                t::banned_until.nullable(),
            ))
            .first(&mut conn)
            .await
            .optional()
            .map_err(repo_error)?;
        Ok(
            row.map(|(id, password_hash, deleted, banned_until)| Credentials {
                user_id: UserId::from(id),
                password_hash,
                deleted,
                banned_until,
            }),
        )
    }

    async fn find(&self, id: UserId) -> Result<Option<User>, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        users::table
            .find(id.as_uuid())
            .select(UserRow::as_select())
            .first(&mut conn)
            .await
            .optional()
            .map(|row| row.map(UserRow::into_domain))
            .map_err(repo_error)
    }

    async fn is_active(&self, id: UserId, now: Timestamp) -> Result<bool, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        diesel::select(exists(active_user(id.as_uuid(), now)))
            .get_result(&mut conn)
            .await
            .map_err(repo_error)
    }

    async fn counts(&self, id: UserId) -> Result<UserCounts, RepoError> {
        let id = id.as_uuid();
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        let counts: (Option<i64>, Option<i64>, Option<i64>) =
            diesel::select((followers_of(id), followed_by(id), posts_of(id)))
                .get_result(&mut conn)
                .await
                .map_err(repo_error)?;
        Ok(user_counts(counts))
    }

    async fn profile(&self, id: UserId) -> Result<Option<(User, UserCounts)>, RepoError> {
        let id = id.as_uuid();
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        // The row and its counts in one statement (one round trip, prepared once).
        let row: Option<(UserRow, Option<i64>, Option<i64>, Option<i64>)> = users::table
            .find(id)
            .select((
                UserRow::as_select(),
                followers_of(id),
                followed_by(id),
                posts_of(id),
            ))
            .first(&mut conn)
            .await
            .optional()
            .map_err(repo_error)?;
        Ok(row.map(|(user, followers, following, posts)| {
            (
                user.into_domain(),
                user_counts((followers, following, posts)),
            )
        }))
    }

    async fn update_profile(
        &self,
        id: UserId,
        patch: &ProfilePatch,
    ) -> Result<Option<User>, RepoError> {
        let changes = ProfileChanges {
            display_name: patch.display_name.as_ref().map(|d| d.as_str()),
            bio: patch.bio.as_ref().map(|b| b.as_str()),
            avatar_key: patch.avatar_key.as_deref(),
        };
        let live = users::table
            .filter(users::id.eq(id.as_uuid()))
            .filter(users::deleted_at.is_null());
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        let row = if changes.display_name.is_none()
            && changes.bio.is_none()
            && changes.avatar_key.is_none()
        {
            // Nothing to set (diesel refuses an empty SET): answer the current state.
            live.select(UserRow::as_select())
                .first(&mut conn)
                .await
                .optional()
        } else {
            diesel::update(live)
                .set(&changes)
                .returning(UserRow::as_returning())
                .get_result(&mut conn)
                .await
                .optional()
        };
        row.map(|r| r.map(UserRow::into_domain)).map_err(repo_error)
    }

    async fn delete_account(&self, id: UserId, now: Timestamp) -> Result<bool, RepoError> {
        let id = id.as_uuid();
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        conn.transaction::<_, diesel::result::Error, _>(async move |conn| {
            let deleted = diesel::update(
                users::table
                    .filter(users::id.eq(id))
                    .filter(users::deleted_at.is_null()),
            )
            .set(users::deleted_at.eq(now))
            .execute(conn)
            .await?;
            if deleted == 0 {
                return Ok(false);
            }
            diesel::update(
                refresh_tokens::table
                    .filter(refresh_tokens::user_id.eq(id))
                    .filter(refresh_tokens::revoked_at.is_null()),
            )
            .set(refresh_tokens::revoked_at.eq(now))
            .execute(conn)
            .await?;
            diesel::delete(
                follows::table.filter(follows::follower_id.eq(id).or(follows::followee_id.eq(id))),
            )
            .execute(conn)
            .await?;
            diesel::delete(
                blocks::table.filter(blocks::blocker_id.eq(id).or(blocks::blocked_id.eq(id))),
            )
            .execute(conn)
            .await?;
            Ok(true)
        })
        .await
        .map_err(repo_error)
    }
}

// Followers and following count only users on the other side that are not deleted: the
// edges, minus those to a deleted user (an anti-join against the partial index
// `users_deleted_idx`, which holds only deleted users). A join with `users` filtered on
// `deleted_at IS NULL` let the planner hash-join a scan of every user into each read. Each is a
// scalar subquery of a DSL statement, so the statement is prepared once per connection.

// The user on the other side of an edge (an alias: a profile's own row is `users`).
diesel::alias!(users as other_user: OtherUser);

/// How many non-deleted accounts follow `id`.
#[diesel::dsl::auto_type]
fn followers_of(id: Uuid) -> _ {
    let other: Alias<OtherUser> = other_user;
    let deleted_follower = other
        .filter(other.field(users::id).eq(follows::follower_id))
        .filter(other.field(users::deleted_at).is_not_null());
    follows::table
        .filter(follows::followee_id.eq(id))
        .filter(diesel::dsl::not(exists(deleted_follower)))
        .count()
        .single_value()
}

/// How many non-deleted accounts `id` follows.
#[diesel::dsl::auto_type]
fn followed_by(id: Uuid) -> _ {
    let other: Alias<OtherUser> = other_user;
    let deleted_followee = other
        .filter(other.field(users::id).eq(follows::followee_id))
        .filter(other.field(users::deleted_at).is_not_null());
    follows::table
        .filter(follows::follower_id.eq(id))
        .filter(diesel::dsl::not(exists(deleted_followee)))
        .count()
        .single_value()
}

/// How many posts `id` has.
#[diesel::dsl::auto_type]
fn posts_of(id: Uuid) -> _ {
    posts::table
        .filter(posts::owner_id.eq(id))
        .count()
        .single_value()
}

fn user_counts(
    (followers, following, posts): (Option<i64>, Option<i64>, Option<i64>),
) -> UserCounts {
    UserCounts {
        followers: followers.unwrap_or(0),
        following: following.unwrap_or(0),
        posts: posts.unwrap_or(0),
    }
}
