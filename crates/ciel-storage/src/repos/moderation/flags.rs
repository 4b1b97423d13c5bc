//! Reports against users and posts: the flag, its audit row and the `FlagReceived` trust
//! change, in one transaction.

use super::audit::{self, Target};
use crate::repos::errors::repo_error;
use crate::repos::trust;
use ciel_domain::moderation::{PostFlag, UserFlag};
use ciel_domain::ports::{FlagError, RepoError};
use ciel_domain::time::Timestamp;
use ciel_domain::trust::TrustEvent;
use ciel_domain::{PostId, UserId};
use ciel_schema::{post_flags, posts, user_flags, users};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// A second report by the same reporter on the same user.
const DUPLICATE_USER_FLAG: &str = "user_flags_reporter_id_target_id_key";
/// A second report by the same reporter on the same post.
const DUPLICATE_POST_FLAG: &str = "post_flags_reporter_id_post_id_key";

/// Reports `target` (not the reporter: the caller checks that first).
pub(super) async fn flag_user(
    conn: &mut AsyncPgConnection,
    reporter: UserId,
    target: UserId,
    reason: Option<&str>,
    now: Timestamp,
) -> Result<UserFlag, FlagError> {
    let reason = reason.map(str::to_owned);
    conn.transaction::<_, FlagTxError, _>(async move |conn| {
        // FOR SHARE: the target cannot be deleted until the report is in.
        let live: Option<Uuid> = users::table
            .filter(users::id.eq(target.as_uuid()))
            .filter(users::deleted_at.is_null())
            .select(users::id)
            .for_share()
            .first(conn)
            .await
            .optional()?;
        if live.is_none() {
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
        let target_id = target.as_uuid();
        audit::record(
            conn,
            Some(reporter),
            Target::UserFlag,
            target_id,
            reason.as_deref(),
            now,
        )
        .await?;
        trust::apply_in_tx(conn, target_id, TrustEvent::FlagReceived, now).await?;
        Ok(UserFlag {
            id,
            reporter_id: reporter,
            target_id: target,
            reason,
            created_at,
        })
    })
    .await
    .map_err(|e| e.into_flag_error(DUPLICATE_USER_FLAG))
}

/// Reports `post`; the flag counts against the post's owner.
pub(super) async fn flag_post(
    conn: &mut AsyncPgConnection,
    reporter: UserId,
    post: PostId,
    reason: Option<&str>,
    now: Timestamp,
) -> Result<PostFlag, FlagError> {
    let reason = reason.map(str::to_owned);
    conn.transaction::<_, FlagTxError, _>(async move |conn| {
        // FOR SHARE (post and owner): neither can go away until the report is in.
        let owner: Option<Uuid> = posts::table
            .inner_join(users::table.on(users::id.eq(posts::owner_id)))
            .filter(posts::id.eq(post.as_uuid()))
            .filter(users::deleted_at.is_null())
            .select(posts::owner_id)
            .for_share()
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
        let post_id = post.as_uuid();
        audit::record(
            conn,
            Some(reporter),
            Target::PostFlag,
            post_id,
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
    .map_err(|e| e.into_flag_error(DUPLICATE_POST_FLAG))
}

/// Why a report transaction stopped (every variant rolls it back).
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
    /// The port's error; a unique violation of `duplicate` is a repeated report.
    fn into_flag_error(self, duplicate: &str) -> FlagError {
        match self {
            Self::NotFound => FlagError::NotFound,
            Self::OwnContent => FlagError::OwnContent,
            Self::Db(e) => match repo_error(e) {
                RepoError::Conflict(c) if c == duplicate => FlagError::Duplicate,
                other => FlagError::Repo(other),
            },
        }
    }
}
