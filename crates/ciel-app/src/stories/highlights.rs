//! Highlights: adding one's own story (expired ones too) to a named highlight, and listing a
//! user's highlights.

use super::{StoryService, not_found};
use crate::error::AppError;
use crate::tx;
use ciel_domain::stories::{self, StoryHighlight};
use ciel_domain::{Page, PageRequest, StoryId, UserId};

impl StoryService {
    /// `POST /stories/:id/highlights`: creates the caller's highlight `name` when missing and
    /// appends the story (a second add is a no-op); 404 unless the caller owns the story.
    pub async fn add_to_highlight(
        &self,
        caller: UserId,
        id: StoryId,
        name: &str,
    ) -> Result<StoryHighlight, AppError> {
        let name =
            stories::validate_highlight_name(name).map_err(|m| AppError::Invalid(m.into()))?;
        let now = self.deps.clock.now();
        tx::transact(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                if tx.owned_story(caller, id).await?.is_none() {
                    return Err(not_found());
                }
                Ok(tx.add_to_highlight(caller, &name, id, now).await?)
            })
        })
        .await
    }

    /// `GET /users/:id/highlights`: oldest first; anyone's are readable.
    pub async fn user_highlights(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Page<StoryHighlight>, AppError> {
        tx::read(&*self.deps.uow, move |tx| {
            Box::pin(async move { Ok(tx.user_highlights(user, page).await?) })
        })
        .await
    }
}
