//! Reading stories: one story, a user's active stories, the owner-only viewers and metrics.

use super::{STORY_NOT_FOUND, StoryService, StoryView, ViewerView, not_found};
use crate::error::AppError;
use crate::tx;
use ciel_domain::stories::StoryMetrics;
use ciel_domain::{Page, PageRequest, StoryId, UserId};

impl StoryService {
    /// `GET /stories/:id`: 404 when missing, expired or not visible to the caller.
    pub async fn get(&self, caller: UserId, id: StoryId) -> Result<StoryView, AppError> {
        let now = self.deps.clock.now();
        let story = tx::read(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                tx.visible_story(Some(caller), id, now)
                    .await?
                    .ok_or_else(not_found)
            })
        })
        .await?;
        let mut views = self.views(vec![story], Vec::new()).await?;
        views
            .pop()
            .ok_or_else(|| AppError::internal("a story view went missing"))
    }

    /// `GET /users/:id/stories`: the user's active stories the caller may see, oldest first.
    pub async fn user_stories(
        &self,
        caller: UserId,
        user: UserId,
        page: PageRequest,
    ) -> Result<Page<StoryView>, AppError> {
        let now = self.deps.clock.now();
        let page = tx::read(&*self.deps.uow, move |tx| {
            Box::pin(async move { Ok(tx.user_stories(caller, user, page, now).await?) })
        })
        .await?;
        self.page_views(page).await
    }

    /// `GET /stories/:id/viewers`: the owner's (also after expiry); 403 for a non-owner who
    /// can see the story, 404 otherwise.
    pub async fn viewers(
        &self,
        caller: UserId,
        id: StoryId,
        page: PageRequest,
    ) -> Result<Page<ViewerView>, AppError> {
        let now = self.deps.clock.now();
        let page = tx::read(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                if tx.owned_story(caller, id).await?.is_none() {
                    return Err(match tx.visible_story(Some(caller), id, now).await? {
                        Some(_) => {
                            AppError::Forbidden("only the story owner can view viewers".into())
                        }
                        None => AppError::NotFound(STORY_NOT_FOUND.into()),
                    });
                }
                Ok(tx.story_viewers(id, page).await?)
            })
        })
        .await?;
        Ok(self.viewer_views(page).await)
    }

    /// `GET /stories/:id/metrics`: the owner's (also after expiry); 404 for anyone else.
    pub async fn metrics(&self, caller: UserId, id: StoryId) -> Result<StoryMetrics, AppError> {
        tx::read(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                if tx.owned_story(caller, id).await?.is_none() {
                    return Err(not_found());
                }
                tx.story_metrics(id).await?.ok_or_else(not_found)
            })
        })
        .await
    }
}
