//! The media store: processed media rows.

use crate::MediaId;
use crate::UserId;
use crate::media::Media;
use crate::ports::repo::RepoError;
use crate::time::Timestamp;
use async_trait::async_trait;

/// Processed media, inside a unit of work.
#[async_trait]
pub trait MediaStore: Send {
    /// The media among `ids` that exist, in no particular order.
    async fn media_by_ids(&mut self, ids: &[MediaId]) -> Result<Vec<Media>, RepoError>;

    /// Inserts a processed media row.
    async fn insert_media(&mut self, media: &Media) -> Result<(), RepoError>;

    /// The media `id` if `viewer` may see it at `now` (contract §3.1): `viewer` owns it, or it
    /// is attached to a post visible to `viewer`, or to an unexpired story visible to `viewer`
    /// — the same predicates as every post and story read.
    async fn visible_media(
        &mut self,
        id: MediaId,
        viewer: UserId,
        now: Timestamp,
    ) -> Result<Option<Media>, RepoError>;

    /// Deletes the media `id` of `owner`; the deleted row, or `None` when there is no such
    /// media of that owner. `RepoError::StillReferenced` while a post or story uses it.
    async fn delete_owned_media(
        &mut self,
        id: MediaId,
        owner: UserId,
    ) -> Result<Option<Media>, RepoError>;
}
