//! The columns story and highlight queries select, and their mapping to domain values.

use crate::enums::PgStoryVisibility;
use chrono::{DateTime, Utc};
use ciel_domain::stories::{Story, StoryHighlight};
use ciel_domain::{HighlightId, MediaId, StoryId, UserId};
use ciel_schema::{stories, story_highlights, users};
use uuid::Uuid;

/// A story joined with what responses show of its owner.
pub(crate) type StoryRow = (
    Uuid,
    Uuid,
    Uuid,
    Option<String>,
    PgStoryVisibility,
    i32,
    i32,
    DateTime<Utc>,
    DateTime<Utc>,
    String,
    String,
    Option<String>,
);

/// The columns of a [`StoryRow`], from `stories INNER JOIN users`.
pub(crate) const STORY_COLUMNS: (
    stories::id,
    stories::user_id,
    stories::media_id,
    stories::caption,
    stories::visibility,
    stories::view_count,
    stories::reaction_count,
    stories::created_at,
    stories::expires_at,
    users::handle,
    users::display_name,
    users::avatar_key,
) = (
    stories::id,
    stories::user_id,
    stories::media_id,
    stories::caption,
    stories::visibility,
    stories::view_count,
    stories::reaction_count,
    stories::created_at,
    stories::expires_at,
    users::handle,
    users::display_name,
    users::avatar_key,
);

/// Maps a [`StoryRow`].
pub(crate) fn story_from_row(row: StoryRow) -> Story {
    let (
        id,
        user_id,
        media_id,
        caption,
        visibility,
        view_count,
        reaction_count,
        created_at,
        expires_at,
        handle,
        display_name,
        avatar_key,
    ) = row;
    Story {
        id: StoryId::from(id),
        user_id: UserId::from(user_id),
        user_handle: Some(handle),
        user_display_name: Some(display_name),
        user_avatar_key: avatar_key,
        media_id: MediaId::from(media_id),
        caption,
        created_at,
        expires_at,
        visibility: visibility.0,
        view_count,
        reaction_count,
    }
}

/// A `story_highlights` row.
pub(crate) type HighlightRow = (
    Uuid,
    Uuid,
    String,
    Option<Uuid>,
    DateTime<Utc>,
    DateTime<Utc>,
);

/// The columns of a [`HighlightRow`].
pub(crate) const HIGHLIGHT_COLUMNS: (
    story_highlights::id,
    story_highlights::user_id,
    story_highlights::name,
    story_highlights::cover_story_id,
    story_highlights::created_at,
    story_highlights::updated_at,
) = (
    story_highlights::id,
    story_highlights::user_id,
    story_highlights::name,
    story_highlights::cover_story_id,
    story_highlights::created_at,
    story_highlights::updated_at,
);

/// Maps a [`HighlightRow`].
pub(crate) fn highlight_from_row(row: HighlightRow) -> StoryHighlight {
    let (id, user_id, name, cover, created_at, updated_at) = row;
    StoryHighlight {
        id: HighlightId::from(id),
        user_id: UserId::from(user_id),
        name,
        cover_story_id: cover.map(StoryId::from),
        created_at,
        updated_at,
    }
}
