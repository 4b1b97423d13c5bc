//! Audit-log rows (`moderation_actions`), written inside the action's own transaction.

use ciel_domain::UserId;
use ciel_domain::time::Timestamp;
use ciel_schema::moderation_actions as ma;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// What an audit row is about (`target_type`).
#[derive(Clone, Copy, Debug)]
pub(super) enum Target {
    /// A report against a user; the target is the user.
    UserFlag,
    /// A report against a post; the target is the post.
    PostFlag,
    /// A post taken down.
    Post,
    /// A comment taken down.
    Comment,
}

impl Target {
    /// The stored spelling.
    fn as_str(self) -> &'static str {
        match self {
            Self::UserFlag => "user_flag",
            Self::PostFlag => "post_flag",
            Self::Post => "post",
            Self::Comment => "comment",
        }
    }
}

/// Records one audit row inside the caller's transaction.
pub(super) async fn record(
    conn: &mut AsyncPgConnection,
    actor: Option<UserId>,
    target: Target,
    target_id: Uuid,
    reason: Option<&str>,
    now: Timestamp,
) -> QueryResult<()> {
    diesel::insert_into(ma::table)
        .values((
            ma::actor_id.eq(actor.map(|a| a.as_uuid())),
            ma::target_type.eq(target.as_str()),
            ma::target_id.eq(target_id),
            ma::reason.eq(reason),
            ma::created_at.eq(now),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}
