//! Stories, views, reactions, highlights and the stories feed (contract §2.11, §3.3).
//!
//! Every viewer-facing read and engagement gate asks the store for the story *as visible to
//! the caller at the clock's now* (one SQL predicate, §3.1), so expiry follows the injected
//! clock and a hidden story is exactly a missing one (404). Owner-only endpoints (delete,
//! viewers, metrics, highlight add) find the story by owner and ignore expiry until the purge.
//! Writes run in one transaction with their counter and notification; cached stories feeds of
//! the author's followers are dropped after the commit.
//!
//! # Example
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
//! use ciel_app::{AppError, StoryService};
//! use ciel_domain::stories::MAX_CAPTION_CHARS;
//! use ciel_domain::visibility::StoryVisibility;
//! use ciel_domain::{MediaId, UserId};
//!
//! let stories = StoryService::new(deps());
//! let (ann, media) = (UserId::generate(), MediaId::generate());
//! rt.block_on(async {
//!     let long = Some("x".repeat(MAX_CAPTION_CHARS + 1));
//!     let refused = stories.create(ann, media, long, StoryVisibility::Public).await.unwrap_err();
//!     assert!(matches!(refused, AppError::Invalid(_)), "{refused:?}");
//!     let busy = stories.create(ann, media, None, StoryVisibility::Public).await;
//!     assert!(matches!(busy, Err(AppError::Unavailable { .. })));
//! });
//! ```

mod create;
mod engagement;
mod feed;
mod highlights;
mod reads;
mod views;

pub use views::{StoryView, ViewerView};

use crate::deps::CoreDeps;
use crate::error::AppError;
use ciel_domain::UserId;

/// The 404 of every story endpoint.
pub(crate) const STORY_NOT_FOUND: &str = "story not found";

/// Stories, views, reactions, highlights and the stories feed (contract §2.11, §3.3).
#[derive(Clone)]
pub struct StoryService {
    deps: CoreDeps,
}

impl StoryService {
    /// A service over the shared dependencies.
    pub fn new(deps: CoreDeps) -> Self {
        Self { deps }
    }

    /// Drops the cached stories-feed pages (every limit variant) of `users`, in one cache
    /// call. The cache is never the truth: a failure is logged and the pages expire within
    /// their 60 s.
    async fn invalidate_feeds_of(&self, users: &[UserId]) {
        let Some(cache) = &self.deps.cache else {
            return;
        };
        if users.is_empty() {
            return;
        }
        let keys: Vec<String> = users
            .iter()
            .flat_map(|&u| crate::cache_keys::stories_feed_variants(u))
            .collect();
        if let Err(err) = cache.delete_many(&keys).await {
            tracing::warn!(error = %err, followers = users.len(), "stories feed invalidation failed");
        }
    }
}

fn not_found() -> AppError {
    AppError::NotFound(STORY_NOT_FOUND.into())
}
