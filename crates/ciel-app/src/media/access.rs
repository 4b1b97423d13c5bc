//! `GET /media/:id` and `DELETE /media/:id` (contract §2.7, §3.1).

use super::{MediaService, media_not_found};
use crate::error::AppError;
use crate::media_urls::MediaView;
use crate::tx::{read, transact};
use ciel_domain::ports::RepoError;
use ciel_domain::{MediaId, UserId};

/// 409 while a post or story uses the media.
const ATTACHED: &str = "media is attached to a post or story and cannot be deleted";

impl MediaService {
    /// The media with presigned URLs, if the caller owns it or it is attached to a post or an
    /// unexpired story the caller can see; 404 otherwise (hidden looks missing).
    pub async fn media(&self, viewer: UserId, id: MediaId) -> Result<MediaView, AppError> {
        let now = self.deps.clock.now();
        let media = read(&*self.deps.uow, move |tx| {
            Box::pin(async move { Ok(tx.visible_media(id, viewer, now).await?) })
        })
        .await?
        .ok_or_else(media_not_found)?;
        Ok(self.deps.media_urls.view(media).await)
    }

    /// Deletes the caller's media (404 if missing or not theirs; 409 while attached — the
    /// `RESTRICT` foreign keys decide, so a concurrent attach cannot slip through), then, best
    /// effort, its three objects, and drops their cached presigned URLs.
    pub async fn delete_media(&self, owner: UserId, id: MediaId) -> Result<(), AppError> {
        let media = transact(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                match tx.delete_owned_media(id, owner).await {
                    Ok(Some(media)) => Ok(media),
                    Ok(None) => Err(media_not_found()),
                    Err(RepoError::StillReferenced(_)) => Err(AppError::Conflict(ATTACHED.into())),
                    Err(other) => Err(other.into()),
                }
            })
        })
        .await?;
        let keys = [media.original_key, media.thumb_key, media.medium_key];
        if let Some(store) = &self.deps.store {
            for key in &keys {
                if let Err(err) = store.delete(key).await {
                    tracing::warn!(%key, error = %err, "deleting a media object failed; it stays orphaned");
                }
            }
        }
        for key in &keys {
            self.deps.avatars.forget(Some(key)).await;
        }
        Ok(())
    }
}
