//! Stories (contract §2.11, §3.3): the read models every story response is built from, and the
//! pure rules — the 24 h lifetime and the validated caption, emoji and highlight name with the
//! contract's messages.
//!
//! # Example
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use ciel_domain::stories::{expires_at, validate_caption, validate_emoji, validate_highlight_name};
//!
//! let created = Utc.with_ymd_and_hms(2026, 5, 1, 8, 0, 0).unwrap();
//! assert_eq!(expires_at(created), created + Duration::hours(24));
//! assert_eq!(validate_emoji(" 🔥 ").unwrap(), "🔥");
//! assert_eq!(validate_emoji("").unwrap_err(), "emoji cannot be empty");
//! assert!(validate_caption(Some("x".repeat(2201))).is_err());
//! assert_eq!(validate_highlight_name("Trips").unwrap(), "Trips");
//! ```

use crate::time::Timestamp;
use crate::visibility::StoryVisibility;
use crate::{HighlightId, MediaId, ReactionId, StoryId, UserId};
use chrono::Duration;

/// How long a story is visible after it is created (contract §3.3).
pub const STORY_LIFETIME_HOURS: i64 = 24;
/// Longest story caption, in Unicode scalar values.
pub const MAX_CAPTION_CHARS: usize = 2200;
/// Longest reaction emoji after trimming, in Unicode scalar values.
pub const MAX_EMOJI_CHARS: usize = 7;
/// Longest highlight name, in Unicode scalar values.
pub const MAX_HIGHLIGHT_NAME_CHARS: usize = 50;
/// How many viewer ids the metrics carry (the newest).
pub const METRICS_VIEWER_IDS: i64 = 200;

/// When a story created at `created_at` expires: 24 h later, set server-side, never changed.
pub fn expires_at(created_at: Timestamp) -> Timestamp {
    created_at + Duration::hours(STORY_LIFETIME_HOURS)
}

/// A story caption: at most 2200 characters (`None` stays `None`).
pub fn validate_caption(caption: Option<String>) -> Result<Option<String>, &'static str> {
    match caption {
        Some(c) if c.chars().count() > MAX_CAPTION_CHARS => Err("caption exceeds 2200 characters"),
        other => Ok(other),
    }
}

/// A reaction emoji: trimmed, not blank, at most 7 characters.
pub fn validate_emoji(raw: &str) -> Result<String, &'static str> {
    let emoji = raw.trim();
    if emoji.is_empty() {
        return Err("emoji cannot be empty");
    }
    if emoji.chars().count() > MAX_EMOJI_CHARS {
        return Err("emoji must be at most 7 characters");
    }
    Ok(emoji.to_owned())
}

/// A highlight name: not blank, at most 50 characters. Stored as sent (the contract names
/// highlights by the exact string).
pub fn validate_highlight_name(raw: &str) -> Result<String, &'static str> {
    if raw.trim().is_empty() {
        return Err("highlight_name cannot be empty");
    }
    if raw.chars().count() > MAX_HIGHLIGHT_NAME_CHARS {
        return Err("highlight_name must be at most 50 characters");
    }
    Ok(raw.to_owned())
}

/// A story to create (validated; the times are set by the use case from its clock).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewStory {
    /// The author.
    pub user_id: UserId,
    /// The author's processed media.
    pub media_id: MediaId,
    /// The caption.
    pub caption: Option<String>,
    /// Who may see it.
    pub visibility: StoryVisibility,
    /// Creation time.
    pub created_at: Timestamp,
    /// `created_at` + 24 h.
    pub expires_at: Timestamp,
}

/// A story with what every response shows of its author (contract §1.8 Story, without URLs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Story {
    /// Its id.
    pub id: StoryId,
    /// The author.
    pub user_id: UserId,
    /// The author's handle.
    pub user_handle: Option<String>,
    /// The author's display name.
    pub user_display_name: Option<String>,
    /// The author's avatar key (signed into `user_avatar_url`, never sent raw).
    pub user_avatar_key: Option<String>,
    /// The photo.
    pub media_id: MediaId,
    /// The caption.
    pub caption: Option<String>,
    /// Creation time (the list sort key with `id`).
    pub created_at: Timestamp,
    /// When it stops being visible.
    pub expires_at: Timestamp,
    /// Who may see it.
    pub visibility: StoryVisibility,
    /// Distinct viewers (always equal to the view rows).
    pub view_count: i32,
    /// Reactions (always equal to the reaction rows).
    pub reaction_count: i32,
}

/// One user's reaction to a story (contract §1.8 StoryReaction).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoryReaction {
    /// Its id.
    pub id: ReactionId,
    /// The story.
    pub story_id: StoryId,
    /// Who reacted.
    pub user_id: UserId,
    /// Their handle.
    pub user_handle: Option<String>,
    /// The emoji.
    pub emoji: String,
    /// When the user first reacted (the list sort key with `id`).
    pub created_at: Timestamp,
}

/// What a reaction write did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReactionWrite {
    /// The user had not reacted yet: a row was added and the count rose.
    Added,
    /// The user's existing reaction got the new emoji; the count did not change.
    Replaced,
}

/// One viewer of a story (contract §1.8 StoryView, without URLs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoryViewer {
    /// The viewer.
    pub viewer_id: UserId,
    /// Their handle.
    pub viewer_handle: Option<String>,
    /// Their display name.
    pub viewer_display_name: Option<String>,
    /// Their avatar key (signed into `viewer_avatar_url`).
    pub viewer_avatar_key: Option<String>,
    /// Their first view (the list sort key with `viewer_id`).
    pub viewed_at: Timestamp,
}

/// A story's engagement for its owner (contract §1.8 StoryMetrics).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoryMetrics {
    /// The story.
    pub story_id: StoryId,
    /// Distinct viewers.
    pub view_count: i32,
    /// Reactions.
    pub reaction_count: i32,
    /// `(emoji, count)`, by count descending (then emoji, for a stable order).
    pub reactions_by_emoji: Vec<(String, i64)>,
    /// The newest 200 viewers, newest first.
    pub viewer_ids: Vec<UserId>,
}

/// A named collection of one user's stories (contract §1.8 StoryHighlight).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoryHighlight {
    /// Its id.
    pub id: HighlightId,
    /// The owner.
    pub user_id: UserId,
    /// Its name, unique per owner.
    pub name: String,
    /// The first story added (null once that story is deleted).
    pub cover_story_id: Option<StoryId>,
    /// Creation time (the list sort key with `id`).
    pub created_at: Timestamp,
    /// Last time a story was added.
    pub updated_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn stories_live_24_hours() {
        let now = Utc::now();
        assert_eq!(expires_at(now) - now, Duration::hours(24));
    }

    #[test]
    fn captions_count_characters() {
        assert_eq!(validate_caption(None), Ok(None));
        let ok = "é".repeat(2200);
        assert_eq!(validate_caption(Some(ok.clone())), Ok(Some(ok)));
        assert_eq!(
            validate_caption(Some("a".repeat(2201))),
            Err("caption exceeds 2200 characters")
        );
    }

    #[test]
    fn emoji_is_trimmed_and_bounded() {
        assert_eq!(validate_emoji("  🔥 "), Ok("🔥".to_owned()));
        assert_eq!(validate_emoji("   "), Err("emoji cannot be empty"));
        assert_eq!(validate_emoji(""), Err("emoji cannot be empty"));
        assert_eq!(validate_emoji("1234567"), Ok("1234567".to_owned()));
        assert_eq!(
            validate_emoji("12345678"),
            Err("emoji must be at most 7 characters")
        );
        // A family emoji is 7 scalar values (4 people, 3 joiners).
        assert!(validate_emoji("👨‍👩‍👧‍👦").is_ok());
    }

    #[test]
    fn highlight_names_are_not_blank_and_short() {
        assert_eq!(
            validate_highlight_name(" "),
            Err("highlight_name cannot be empty")
        );
        assert!(validate_highlight_name(&"é".repeat(50)).is_ok());
        assert_eq!(
            validate_highlight_name(&"a".repeat(51)),
            Err("highlight_name must be at most 50 characters")
        );
    }
}
