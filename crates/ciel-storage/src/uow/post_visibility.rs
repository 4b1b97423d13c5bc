//! The one SQL predicate for post visibility (contract §3.1), used by every post read, list,
//! engagement gate and search. It mirrors `ciel_domain::visibility::post_visible`; a storage
//! test checks the two agree over every combination of facts.
//!
//! Built from non-correlated `IN (SELECT …)` subqueries so it is plain diesel DSL (cached
//! statements) and applies to any query over `posts`:
//!
//! - anonymous: owner not deleted AND visibility = public;
//! - viewer V: owner not deleted AND (owner = V OR (no block either way AND (visibility =
//!   public OR V follows the owner))).

use super::block_lists::{blocked_by, blocking};
use crate::enums::PgPostVisibility;
use ciel_domain::UserId;
use ciel_domain::visibility::PostVisibility;
use ciel_schema::{follows, posts, users};
use diesel::dsl::not;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Bool;

/// A boolean condition on a `posts` row.
pub(crate) type PostPredicate = Box<dyn BoxableExpression<posts::table, Pg, SqlType = Bool>>;

/// Whether the `posts` row is visible to `viewer` (`None`: an anonymous caller).
pub(crate) fn visible_to(viewer: Option<UserId>) -> PostPredicate {
    let owner_active = posts::owner_id.eq_any(
        users::table
            .filter(users::deleted_at.is_null())
            .select(users::id),
    );
    let public = posts::visibility.eq(PgPostVisibility(PostVisibility::Public));
    let Some(viewer) = viewer else {
        return Box::new(owner_active.and(public));
    };
    let v = viewer.as_uuid();
    let followed_by_viewer = follows::table
        .filter(follows::follower_id.eq(v))
        .select(follows::followee_id);
    Box::new(
        owner_active.and(
            posts::owner_id
                .eq(v)
                .or(not(posts::owner_id.eq_any(blocked_by(v)))
                    .and(not(posts::owner_id.eq_any(blocking(v))))
                    .and(public.or(posts::owner_id.eq_any(followed_by_viewer)))),
        ),
    )
}
