//! The one definition of an active account — it exists, is not soft-deleted and is not banned
//! at `now` — as a query for `EXISTS (…)`, shared by the user gate's own check
//! (`AccountRepo::is_active`) and the feed's first page, which answers the check in its own
//! statement.

use chrono::{DateTime, Utc};
use ciel_schema::{user_trust_scores as t, users};
use diesel::prelude::*;
use uuid::Uuid;

/// The row of `id` if that account is active at `now` (wrap it in `exists`).
#[diesel::dsl::auto_type]
pub(crate) fn active_user(id: Uuid, now: DateTime<Utc>) -> _ {
    users::table
        .left_join(t::table)
        .filter(users::id.eq(id))
        .filter(users::deleted_at.is_null())
        .filter(t::banned_until.is_null().or(t::banned_until.le(now)))
        .select(users::id)
}
