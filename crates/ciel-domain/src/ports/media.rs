//! The media store: processed media rows.
//!
//! # Example
//!
//! Deleting media that a post still uses is refused by the store, and the use case answers 409:
//!
//! ```
//! use ciel_domain::ports::{MediaStore, RepoError};
//! use ciel_domain::{MediaId, UserId};
//!
//! async fn delete(store: &mut dyn MediaStore, id: MediaId, owner: UserId) -> Result<&'static str, RepoError> {
//!     match store.delete_owned_media(id, owner).await {
//!         Ok(Some(_)) => Ok("deleted"),
//!         Ok(None) => Ok("not found"),
//!         Err(RepoError::StillReferenced(_)) => Ok("in use"),
//!         Err(other) => Err(other),
//!     }
//! }
//! # let _ = delete;
//! let refused = RepoError::StillReferenced("post_media_media_id_fkey".into());
//! assert_eq!(refused.to_string(), "still referenced through post_media_media_id_fkey");
//! ```

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
