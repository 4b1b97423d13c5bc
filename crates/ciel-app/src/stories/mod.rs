//! Stories, views, reactions, highlights and the stories feed (contract §2.11, §3.3).
//!
//! Every viewer-facing read and engagement gate asks the store for the story *as visible to
//! the caller at the clock's now* (one SQL predicate, §3.1), so expiry follows the injected
//! clock and a hidden story is exactly a missing one (404). Owner-only endpoints (delete,
//! viewers, metrics, highlight add) find the story by owner and ignore expiry until the purge.
//! Writes run in one transaction with their counter and notification; cached stories feeds of
//! the author's followers are dropped after the commit.

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
