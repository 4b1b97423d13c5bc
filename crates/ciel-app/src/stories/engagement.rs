//! Views and reactions. Each is gated on the story being visible to the caller now (404
//! otherwise) and changes its counter in the same transaction as its row; a reaction (new or a
//! changed emoji) notifies the owner in that transaction too (never for one's own story).

use super::{StoryService, not_found};
use crate::error::AppError;
use crate::tx;
use ciel_domain::notifications::NewNotification;
use ciel_domain::stories::{self, StoryReaction};
use ciel_domain::{Page, PageRequest, StoryId, UserId};

/// The 404 of `DELETE /stories/:id/reactions`.
const REACTION_NOT_FOUND: &str = "reaction not found";

impl StoryService {
    /// `POST /stories/:id/seen`: idempotent; `view_count` rises on the first view only.
    pub async fn seen(&self, caller: UserId, id: StoryId) -> Result<(), AppError> {
        let now = self.deps.clock.now();
        tx::transact(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                tx.visible_story(Some(caller), id, now)
                    .await?
                    .ok_or_else(not_found)?;
                tx.record_view(id, caller, now).await?;
                Ok(())
            })
        })
        .await
    }

    /// `POST /stories/:id/reactions`: one reaction per user, a new emoji replaces the old;
    /// the owner is told every time.
    pub async fn react(
        &self,
        caller: UserId,
        id: StoryId,
        emoji: &str,
    ) -> Result<StoryReaction, AppError> {
        let emoji = stories::validate_emoji(emoji).map_err(|m| AppError::Invalid(m.into()))?;
        let now = self.deps.clock.now();
        tx::transact(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                let story = tx
                    .visible_story(Some(caller), id, now)
                    .await?
                    .ok_or_else(not_found)?;
                let actor = tx
                    .active_user(caller)
                    .await?
                    .ok_or_else(|| AppError::Unauthenticated("invalid or expired token".into()))?;
                let (mut reaction, _) = tx.upsert_reaction(id, caller, &emoji, now).await?;
                reaction.user_handle = Some(actor.handle.clone());
                if let Some(n) = NewNotification::story_reaction(&actor, story.user_id, id, &emoji)
                {
                    tx.insert_notification(&n, now).await?;
                }
                Ok(reaction)
            })
        })
        .await
    }

    /// `DELETE /stories/:id/reactions`: removes the caller's reaction from a story they can
    /// see; 404 `reaction not found` otherwise.
    pub async fn unreact(&self, caller: UserId, id: StoryId) -> Result<(), AppError> {
        let now = self.deps.clock.now();
        tx::transact(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                let gone = || AppError::NotFound(REACTION_NOT_FOUND.into());
                tx.visible_story(Some(caller), id, now)
                    .await?
                    .ok_or_else(gone)?;
                if !tx.delete_reaction(id, caller).await? {
                    return Err(gone());
                }
                Ok(())
            })
        })
        .await
    }

    /// `GET /stories/:id/reactions`: newest first, deleted users left out.
    pub async fn reactions(
        &self,
        caller: UserId,
        id: StoryId,
        page: PageRequest,
    ) -> Result<Page<StoryReaction>, AppError> {
        let now = self.deps.clock.now();
        tx::read(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                tx.visible_story(Some(caller), id, now)
                    .await?
                    .ok_or_else(not_found)?;
                Ok(tx.story_reactions(id, page).await?)
            })
        })
        .await
    }
}
