//! Creating and deleting stories. Both drop the cached stories feeds of the author's followers
//! after the commit (contract §3.2), in one cache call however many followers there are.

use super::{StoryService, StoryView, not_found};
use crate::error::AppError;
use crate::tx;
use ciel_domain::stories::{self, NewStory};
use ciel_domain::time::to_db_precision;
use ciel_domain::visibility::StoryVisibility;
use ciel_domain::{MediaId, StoryId, UserId};

impl StoryService {
    /// `POST /stories`: a story of the caller's processed media, visible for 24 h.
    pub async fn create(
        &self,
        caller: UserId,
        media_id: MediaId,
        caption: Option<String>,
        visibility: StoryVisibility,
    ) -> Result<StoryView, AppError> {
        let caption =
            stories::validate_caption(caption).map_err(|m| AppError::Invalid(m.into()))?;
        let created_at = to_db_precision(self.deps.clock.now());
        let (story, media, followers) = tx::transact(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                let media = tx
                    .media_by_ids(&[media_id])
                    .await?
                    .pop()
                    .ok_or_else(|| AppError::NotFound("media not found".into()))?;
                if media.owner_id != caller {
                    return Err(AppError::Forbidden("media does not belong to you".into()));
                }
                let id = tx
                    .insert_story(&NewStory {
                        user_id: caller,
                        media_id,
                        caption,
                        visibility,
                        created_at,
                        expires_at: stories::expires_at(created_at),
                    })
                    .await?;
                let story = tx
                    .owned_story(caller, id)
                    .await?
                    .ok_or_else(|| AppError::internal("a story just inserted is missing"))?;
                let followers = tx.follower_ids(caller).await?;
                Ok((story, media, followers))
            })
        })
        .await?;
        self.invalidate_feeds_of(&followers).await;
        let mut views = self.views(vec![story], vec![media]).await?;
        views
            .pop()
            .ok_or_else(|| AppError::internal("a story view went missing"))
    }

    /// `DELETE /stories/:id`: the owner's hard delete (expired or not); 404 for anyone else.
    pub async fn delete(&self, caller: UserId, id: StoryId) -> Result<(), AppError> {
        let followers = tx::transact(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                if !tx.delete_story(caller, id).await? {
                    return Err(not_found());
                }
                Ok(tx.follower_ids(caller).await?)
            })
        })
        .await?;
        self.invalidate_feeds_of(&followers).await;
        Ok(())
    }
}
