//! Posts, likes and comments, and a user's posts (contract §2.5, §2.4, §3.1): the rules run
//! here, inside one unit of work per action; storage only reads and writes.
//!
//! - `write`: create, edit, delete (trust points in the same transaction; home feeds of the
//!   author and every follower invalidated after commit, in one cache call);
//! - `read`: one post with counts, a user's posts;
//! - `engage`: likes and comments (trust points and notifications in the same transaction);
//! - `assemble`: posts in list order with their first media and owner avatar URL.
//!
//! # Example
//!
//! The post rules run before the transaction that writes the post:
//!
//! ```
//! # use ciel_app::{AvatarUrls, CoreDeps, MediaUrls, SystemClock};
//! # use ciel_domain::ports::{RepoError, TxAbort, TxWork, UnitOfWork};
//! # use std::sync::Arc;
//! # /// A unit of work whose pool never has a connection to lend (see `ciel_app::tx`).
//! # struct Busy;
//! # #[async_trait::async_trait]
//! # impl UnitOfWork for Busy {
//! #     async fn transaction(&self, _: TxWork) -> Result<(), TxAbort> {
//! #         Err(RepoError::Busy("pool timed out".into()).into())
//! #     }
//! #     async fn connection(&self, _: TxWork) -> Result<(), TxAbort> {
//! #         Err(RepoError::Busy("pool timed out".into()).into())
//! #     }
//! # }
//! # fn deps() -> CoreDeps {
//! #     CoreDeps {
//! #         uow: Arc::new(Busy),
//! #         cache: None,
//! #         store: None,
//! #         avatars: AvatarUrls::new(None, None),
//! #         media_urls: MediaUrls::new(None),
//! #         clock: Arc::new(SystemClock),
//! #         cards: ciel_app::feed::PostCards::disabled(),
//! #     }
//! # }
//! # let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! use ciel_app::{AppError, PostService};
//! use ciel_domain::posts::CAPTION_MAX_BYTES;
//! use ciel_domain::{MediaId, UserId};
//!
//! let posts = PostService::new(deps());
//! let ann = UserId::generate();
//! rt.block_on(async {
//!     let none = posts.create(ann, Vec::new(), None).await.unwrap_err();
//!     assert!(matches!(none, AppError::Invalid(_)), "a post needs media: {none:?}");
//!     let long = "x".repeat(CAPTION_MAX_BYTES + 1);
//!     let too_long = posts.create(ann, vec![MediaId::generate()], Some(long)).await.unwrap_err();
//!     assert!(matches!(too_long, AppError::Invalid(_)), "{too_long:?}");
//!     let fine = posts.create(ann, vec![MediaId::generate()], Some("sunset".into())).await;
//!     assert!(matches!(fine, Err(AppError::Unavailable { .. })), "valid, but no connection");
//! });
//! ```

pub(crate) mod assemble;
mod engage;
mod read;
mod write;

use crate::deps::CoreDeps;
use crate::error::AppError;

/// Posts, likes and comments, and a user's posts (contract §2.5, §3.1).
#[derive(Clone)]
pub struct PostService {
    deps: CoreDeps,
}

impl PostService {
    /// A service over the shared dependencies.
    pub fn new(deps: CoreDeps) -> Self {
        Self { deps }
    }
}

/// 404 for a post that is missing or hidden (the two look the same).
pub(crate) fn post_not_found() -> AppError {
    AppError::NotFound("post not found".into())
}
