//! The story store: stories, views, reactions and highlights.
//!
//! Every read that a viewer makes goes through one visibility predicate (contract §3.1: owner
//! not deleted, no block either way, unexpired at `now`, public or the owner or a mutual
//! follow); `now` is passed in, from the use case's clock, so expiry follows the injected time.
//! The owner-only methods apply no expiry (they work until the purge).
//!
//! # Example
//!
//! Every viewer-facing read takes `now` from the caller's clock, so expiry is decided once:
//!
//! ```
//! use chrono::{Duration, Utc};
//! use ciel_domain::ports::{RepoError, StoryStore};
//! use ciel_domain::stories::expires_at;
//! use ciel_domain::{StoryId, UserId};
//!
//! async fn view(store: &mut dyn StoryStore, viewer: UserId, id: StoryId) -> Result<bool, RepoError> {
//!     let now = Utc::now();
//!     if store.visible_story(Some(viewer), id, now).await?.is_none() {
//!         return Ok(false); // 404, expired ones included
//!     }
//!     store.record_view(id, viewer, now).await
//! }
//! # let _ = view;
//! let created = Utc::now();
//! assert_eq!(expires_at(created) - created, Duration::hours(24));
//! ```

use crate::ports::repo::RepoError;
use crate::stories::{
    NewStory, ReactionWrite, Story, StoryHighlight, StoryMetrics, StoryReaction, StoryViewer,
};
use crate::time::Timestamp;
use crate::{Page, PageRequest, StoryId, UserId};
use async_trait::async_trait;

/// Stories, views, reactions and highlights, inside a unit of work.
#[async_trait]
pub trait StoryStore: Send {
    /// Inserts a story and returns its id.
    async fn insert_story(&mut self, story: &NewStory) -> Result<StoryId, RepoError>;

    /// The story when it is visible to `viewer` at `now` (`None` viewer: anonymous).
    async fn visible_story(
        &mut self,
        viewer: Option<UserId>,
        id: StoryId,
        now: Timestamp,
    ) -> Result<Option<Story>, RepoError>;

    /// The story when `owner` owns it, expired or not.
    async fn owned_story(&mut self, owner: UserId, id: StoryId)
    -> Result<Option<Story>, RepoError>;

    /// Deletes `owner`'s story (views, reactions and highlight items cascade; covers become
    /// null); `false` when there was none.
    async fn delete_story(&mut self, owner: UserId, id: StoryId) -> Result<bool, RepoError>;

    /// `user`'s stories visible to `viewer` at `now`, key (created_at, id) ascending.
    async fn user_stories(
        &mut self,
        viewer: UserId,
        user: UserId,
        page: PageRequest,
        now: Timestamp,
    ) -> Result<Page<Story>, RepoError>;

    /// Stories of the users `viewer` follows, visible to them at `now`, key (created_at, id)
    /// descending.
    async fn stories_feed(
        &mut self,
        viewer: UserId,
        page: PageRequest,
        now: Timestamp,
    ) -> Result<Page<Story>, RepoError>;

    /// Records `viewer`'s first view (and raises `view_count` in the same transaction);
    /// `false` when they had seen it already.
    async fn record_view(
        &mut self,
        story: StoryId,
        viewer: UserId,
        now: Timestamp,
    ) -> Result<bool, RepoError>;

    /// The story's viewers (deleted users left out), key (viewed_at, viewer_id) descending.
    async fn story_viewers(
        &mut self,
        story: StoryId,
        page: PageRequest,
    ) -> Result<Page<StoryViewer>, RepoError>;

    /// Adds `user`'s reaction or replaces its emoji; `reaction_count` rises only when it was
    /// added, in the same transaction.
    async fn upsert_reaction(
        &mut self,
        story: StoryId,
        user: UserId,
        emoji: &str,
        now: Timestamp,
    ) -> Result<(StoryReaction, ReactionWrite), RepoError>;

    /// Removes `user`'s reaction and lowers `reaction_count` (never below 0); `false` when
    /// there was none.
    async fn delete_reaction(&mut self, story: StoryId, user: UserId) -> Result<bool, RepoError>;

    /// The story's reactions by users who are not deleted, key (created_at, id) descending.
    async fn story_reactions(
        &mut self,
        story: StoryId,
        page: PageRequest,
    ) -> Result<Page<StoryReaction>, RepoError>;

    /// Counts, reactions per emoji and the newest viewer ids of a story.
    async fn story_metrics(&mut self, story: StoryId) -> Result<Option<StoryMetrics>, RepoError>;

    /// Adds `story` to `owner`'s highlight `name` (created when missing; the story becomes the
    /// cover when there is none; appended at max position + 1; a story already in it is left
    /// where it is). Returns the highlight.
    async fn add_to_highlight(
        &mut self,
        owner: UserId,
        name: &str,
        story: StoryId,
        now: Timestamp,
    ) -> Result<StoryHighlight, RepoError>;

    /// `user`'s highlights, key (created_at, id) ascending (none for a deleted user).
    async fn user_highlights(
        &mut self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Page<StoryHighlight>, RepoError>;
}
