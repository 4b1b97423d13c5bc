//! The one media question accounts ask: which processed media does a user own?
//!
//! # Example
//!
//! ```
//! use async_trait::async_trait;
//! use ciel_domain::UserId;
//! use ciel_domain::ports::{AvatarMediaRepo, RepoError};
//!
//! /// One processed media of one owner.
//! struct One(UserId, uuid::Uuid);
//!
//! #[async_trait]
//! impl AvatarMediaRepo for One {
//!     async fn owned_medium_key(&self, owner: UserId, media: uuid::Uuid) -> Result<Option<String>, RepoError> {
//!         Ok((owner == self.0 && media == self.1).then(|| format!("media/{owner}/{media}/medium.jpg")))
//!     }
//! }
//!
//! let (owner, media) = (UserId::generate(), uuid::Uuid::new_v4());
//! let repo = One(owner, media);
//! let mine = futures_executor::block_on(repo.owned_medium_key(owner, media)).unwrap();
//! assert!(mine.unwrap().ends_with("/medium.jpg"));
//! let theirs = futures_executor::block_on(repo.owned_medium_key(UserId::generate(), media)).unwrap();
//! assert_eq!(theirs, None, "someone else's media is no avatar");
//! ```

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
