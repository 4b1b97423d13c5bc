//! The one SQL predicate for story visibility (contract §3.1), over `stories` joined with their
//! owner in `users`. Every story read, list and engagement gate filters with it; a storage test
//! checks it against `ciel_domain::visibility::story_visible` over every combination of facts.
//!
//! Visible to viewer V at `now` when: the owner is not soft-deleted, no block exists in either
//! direction, `expires_at > now` (the caller's clock, never SQL `now()`), and the story is
//! public, or V is the owner, or V and the owner follow each other. Anonymous callers see none.
//! The subselects are uncorrelated (the viewer's blocks and follows), so Postgres plans them
//! once per statement as hashed sets.

use super::block_lists::{blocked_by, blocking};
use crate::enums::PgStoryVisibility;
use chrono::{DateTime, Utc};
use ciel_domain::visibility::StoryVisibility;
use ciel_schema::{follows, stories, users};
use diesel::dsl::not;
use diesel::expression::IntoSql;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use uuid::Uuid;

/// `stories INNER JOIN users ON users.id = stories.user_id`: where every story query reads.
pub(crate) type StoryWithOwner =
    diesel::helper_types::InnerJoinQuerySource<stories::table, users::table>;

/// A boolean condition on a story and its owner.
pub(crate) type StoryCondition = Box<dyn BoxableExpression<StoryWithOwner, Pg, SqlType = Bool>>;

/// Stories visible to `viewer` (`None`: anonymous) at `now`.
pub(crate) fn story_visible_to(viewer: Option<Uuid>, now: DateTime<Utc>) -> StoryCondition {
    let Some(viewer) = viewer else {
        return Box::new(false.into_sql::<Bool>());
    };
    let viewer_follows = follows::table
        .filter(follows::follower_id.eq(viewer))
        .select(follows::followee_id);
    let follows_viewer = follows::table
        .filter(follows::followee_id.eq(viewer))
        .select(follows::follower_id);
    Box::new(
        users::deleted_at
            .is_null()
            .and(stories::expires_at.gt(now))
            .and(not(stories::user_id.eq_any(blocked_by(viewer))))
            .and(not(stories::user_id.eq_any(blocking(viewer))))
            .and(
                stories::visibility
                    .eq(PgStoryVisibility(StoryVisibility::Public))
                    .or(stories::user_id.eq(viewer))
                    .or(stories::user_id
                        .eq_any(viewer_follows)
                        .and(stories::user_id.eq_any(follows_viewer))),
            ),
    )
}
