//! The one media question accounts ask: which processed media does a user own?

use crate::UserId;
use crate::ports::RepoError;
use async_trait::async_trait;
use uuid::Uuid;

/// Processed media (`media` rows) by owner, for avatars.
#[async_trait]
pub trait AvatarMediaRepo: Send + Sync + 'static {
    /// The storage key of the medium derivative of processed media `media`, if it exists and
    /// `owner` owns it.
    async fn owned_medium_key(
        &self,
        owner: UserId,
        media: Uuid,
    ) -> Result<Option<String>, RepoError>;
}
