//! Takedowns: hard-delete the post or comment, audit it and apply `ContentRemoved` to its
//! owner, in one transaction.

use super::audit::{self, Target};
use crate::repos::trust;
use ciel_domain::time::Timestamp;
use ciel_domain::trust::TrustEvent;
use ciel_domain::{PostId, UserId};
use ciel_schema::{comments, posts};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// Takes `post` down; `false` when there is no such post.
pub(super) async fn take_down_post(
    conn: &mut AsyncPgConnection,
    post: PostId,
    actor: Option<UserId>,
    reason: Option<&str>,
    now: Timestamp,
) -> QueryResult<bool> {
    conn.transaction::<_, diesel::result::Error, _>(async move |conn| {
        let owner: Option<Uuid> = diesel::delete(posts::table.filter(posts::id.eq(post.as_uuid())))
            .returning(posts::owner_id)
            .get_result(conn)
            .await
            .optional()?;
        let Some(owner) = owner else {
            return Ok(false);
        };
        audit::record(conn, actor, Target::Post, post.as_uuid(), reason, now).await?;
        trust::apply_in_tx(conn, owner, TrustEvent::ContentRemoved, now).await?;
        Ok(true)
    })
    .await
}

/// Takes `comment` down; `false` when there is no such comment.
pub(super) async fn take_down_comment(
    conn: &mut AsyncPgConnection,
    comment: Uuid,
    actor: Option<UserId>,
    reason: Option<&str>,
    now: Timestamp,
) -> QueryResult<bool> {
    conn.transaction::<_, diesel::result::Error, _>(async move |conn| {
        let author: Option<Uuid> = diesel::delete(comments::table.filter(comments::id.eq(comment)))
            .returning(comments::user_id)
            .get_result(conn)
            .await
            .optional()?;
        let Some(author) = author else {
            return Ok(false);
        };
        audit::record(conn, actor, Target::Comment, comment, reason, now).await?;
        trust::apply_in_tx(conn, author, TrustEvent::ContentRemoved, now).await?;
        Ok(true)
    })
    .await
}
