//! Stories on the wire (contract §1.8 Story, StoryReaction, StoryView, StoryMetrics,
//! StoryHighlight) and the story request bodies. Story visibility is PascalCase on the wire;
//! the snake_case spellings are accepted on input too (§1.2). The raw avatar keys are never
//! sent (they may name a media id).

use crate::dto::media::MediaDto;
use ciel_app::{StoryView, ViewerView};
use ciel_domain::stories::{StoryHighlight, StoryMetrics, StoryReaction};
use ciel_domain::time::format_timestamp;
use ciel_domain::visibility::StoryVisibility;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The wire name of a story visibility (§1.2).
pub fn story_visibility_name(v: StoryVisibility) -> &'static str {
    match v {
        StoryVisibility::Public => "Public",
        StoryVisibility::FriendsOnly => "FriendsOnly",
        StoryVisibility::CloseFriendsOnly => "CloseFriendsOnly",
    }
}

/// A story visibility as clients send it: anything else is a 422.
#[derive(Clone, Copy, Debug, Deserialize, ToSchema)]
#[schema(as = StoryVisibility)]
pub enum WireStoryVisibility {
    /// `Public` / `public`.
    #[serde(alias = "public")]
    Public,
    /// `FriendsOnly` / `friends_only`.
    #[serde(alias = "friends_only")]
    FriendsOnly,
    /// `CloseFriendsOnly` / `close_friends_only`.
    #[serde(alias = "close_friends_only")]
    CloseFriendsOnly,
}

impl From<WireStoryVisibility> for StoryVisibility {
    fn from(v: WireStoryVisibility) -> Self {
        match v {
            WireStoryVisibility::Public => Self::Public,
            WireStoryVisibility::FriendsOnly => Self::FriendsOnly,
            WireStoryVisibility::CloseFriendsOnly => Self::CloseFriendsOnly,
        }
    }
}

/// `POST /stories`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateStoryBody {
    /// A processed media of the caller.
    pub media_id: Uuid,
    /// The caption (≤ 2200 characters).
    #[serde(default)]
    #[schema(max_length = 2200)]
    pub caption: Option<String>,
    /// Required.
    pub visibility: WireStoryVisibility,
}

/// `POST /stories/:id/reactions`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReactionBody {
    /// Not blank, at most 7 characters.
    #[schema(min_length = 1, max_length = 7)]
    pub emoji: String,
}

/// `POST /stories/:id/highlights`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct HighlightBody {
    /// The highlight to add the story to (created when missing); not blank, at most 50
    /// characters.
    #[schema(min_length = 1, max_length = 50)]
    pub highlight_name: String,
}

/// A story.
#[derive(Serialize, ToSchema)]
#[schema(as = Story)]
pub struct StoryDto {
    #[schema(format = Uuid)]
    id: String,
    #[schema(format = Uuid)]
    user_id: String,
    #[schema(required)]
    user_handle: Option<String>,
    #[schema(required)]
    user_display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    user_avatar_url: Option<String>,
    #[schema(format = Uuid)]
    media_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    media: Option<MediaDto>,
    #[schema(required)]
    caption: Option<String>,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    expires_at: String,
    #[schema(value_type = WireStoryVisibility)]
    visibility: &'static str,
    view_count: i32,
    reaction_count: i32,
}

impl From<StoryView> for StoryDto {
    fn from(v: StoryView) -> Self {
        let s = v.story;
        Self {
            id: s.id.to_string(),
            user_id: s.user_id.to_string(),
            user_handle: s.user_handle,
            user_display_name: s.user_display_name,
            user_avatar_url: v.user_avatar_url,
            media_id: s.media_id.to_string(),
            media: v.media.map(MediaDto::from),
            caption: s.caption,
            created_at: format_timestamp(&s.created_at),
            expires_at: format_timestamp(&s.expires_at),
            visibility: story_visibility_name(s.visibility),
            view_count: s.view_count,
            reaction_count: s.reaction_count,
        }
    }
}

/// A reaction.
#[derive(Serialize, ToSchema)]
#[schema(as = StoryReaction)]
pub struct StoryReactionDto {
    #[schema(format = Uuid)]
    id: String,
    #[schema(format = Uuid)]
    story_id: String,
    #[schema(format = Uuid)]
    user_id: String,
    #[schema(required)]
    user_handle: Option<String>,
    emoji: String,
    #[schema(format = DateTime)]
    created_at: String,
}

impl From<StoryReaction> for StoryReactionDto {
    fn from(r: StoryReaction) -> Self {
        Self {
            id: r.id.to_string(),
            story_id: r.story_id.to_string(),
            user_id: r.user_id.to_string(),
            user_handle: r.user_handle,
            emoji: r.emoji,
            created_at: format_timestamp(&r.created_at),
        }
    }
}

/// A viewer (`StoryView` in the contract).
#[derive(Serialize, ToSchema)]
#[schema(as = StoryView)]
pub struct StoryViewDto {
    #[schema(format = Uuid)]
    viewer_id: String,
    #[schema(required)]
    viewer_handle: Option<String>,
    #[schema(required)]
    viewer_display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    viewer_avatar_url: Option<String>,
    #[schema(format = DateTime)]
    viewed_at: String,
}

impl From<ViewerView> for StoryViewDto {
    fn from(v: ViewerView) -> Self {
        let w = v.viewer;
        Self {
            viewer_id: w.viewer_id.to_string(),
            viewer_handle: w.viewer_handle,
            viewer_display_name: w.viewer_display_name,
            viewer_avatar_url: v.viewer_avatar_url,
            viewed_at: format_timestamp(&w.viewed_at),
        }
    }
}

/// One emoji's count.
#[derive(Serialize, ToSchema)]
#[schema(as = EmojiCount)]
pub struct EmojiCountDto {
    emoji: String,
    count: i64,
}

/// A story's metrics.
#[derive(Serialize, ToSchema)]
#[schema(as = StoryMetrics)]
pub struct StoryMetricsDto {
    #[schema(format = Uuid)]
    story_id: String,
    view_count: i32,
    reaction_count: i32,
    /// Sorted by count, highest first.
    reactions_by_emoji: Vec<EmojiCountDto>,
    /// The newest 200 viewers.
    #[schema(value_type = Vec<uuid::Uuid>)]
    viewer_ids: Vec<String>,
}

impl From<StoryMetrics> for StoryMetricsDto {
    fn from(m: StoryMetrics) -> Self {
        Self {
            story_id: m.story_id.to_string(),
            view_count: m.view_count,
            reaction_count: m.reaction_count,
            reactions_by_emoji: m
                .reactions_by_emoji
                .into_iter()
                .map(|(emoji, count)| EmojiCountDto { emoji, count })
                .collect(),
            viewer_ids: m.viewer_ids.iter().map(ToString::to_string).collect(),
        }
    }
}

/// A highlight.
#[derive(Serialize, ToSchema)]
#[schema(as = StoryHighlight)]
pub struct StoryHighlightDto {
    #[schema(format = Uuid)]
    id: String,
    #[schema(format = Uuid)]
    user_id: String,
    name: String,
    #[schema(required, format = Uuid)]
    cover_story_id: Option<String>,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    updated_at: String,
}

impl From<StoryHighlight> for StoryHighlightDto {
    fn from(h: StoryHighlight) -> Self {
        Self {
            id: h.id.to_string(),
            user_id: h.user_id.to_string(),
            name: h.name,
            cover_story_id: h.cover_story_id.map(|c| c.to_string()),
            created_at: format_timestamp(&h.created_at),
            updated_at: format_timestamp(&h.updated_at),
        }
    }
}
