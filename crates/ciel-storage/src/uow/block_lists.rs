//! A viewer's blocks as uncorrelated subqueries, for `NOT (x = ANY (…))` filters: each is one
//! range scan of a `blocks` index that Postgres hashes once per statement, however many rows it
//! filters (the feed's timeline page, the post and story visibility predicates).

use ciel_schema::blocks;
use diesel::prelude::*;
use uuid::Uuid;

/// The accounts `viewer` blocked.
#[diesel::dsl::auto_type]
pub(super) fn blocked_by(viewer: Uuid) -> _ {
    blocks::table
        .filter(blocks::blocker_id.eq(viewer))
        .select(blocks::blocked_id)
}

/// The accounts that blocked `viewer`.
#[diesel::dsl::auto_type]
pub(super) fn blocking(viewer: Uuid) -> _ {
    blocks::table
        .filter(blocks::blocked_id.eq(viewer))
        .select(blocks::blocker_id)
}
