//! The media store: processed media rows.

use crate::MediaId;
use crate::media::Media;
use crate::ports::repo::RepoError;
use async_trait::async_trait;

/// Processed media, inside a unit of work.
#[async_trait]
pub trait MediaStore: Send {
    /// The media among `ids` that exist, in no particular order.
    async fn media_by_ids(&mut self, ids: &[MediaId]) -> Result<Vec<Media>, RepoError>;
}
