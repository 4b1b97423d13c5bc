//! The stories feed (`GET /feed/stories`): active, visible stories of the users the caller
//! follows, newest first. The first page (no cursor, a page size of
//! [`cache_keys::CACHED_STORIES_FEED_LIMITS`]) is cached under
//! `feed:stories:{user}:{limit}` for 60 s as the finished response body, so a hit is one cache
//! GET and no serialisation. The cache is never the truth: any cache error falls through to
//! Postgres.

use super::{StoryService, StoryView};
use crate::cache_keys;
use crate::error::AppError;
use crate::tx;
use ciel_domain::{Page, PageRequest, UserId};
use std::time::Duration;

/// How long a cached first page lives.
pub const STORIES_FEED_TTL: Duration = Duration::from_secs(60);

impl StoryService {
    /// The caller's stories feed as a response body: `render` turns a page into the bytes
    /// clients receive (it runs only on a miss; a first page's bytes are cached as they are).
    pub async fn feed_body(
        &self,
        caller: UserId,
        page: PageRequest,
        render: impl FnOnce(Page<StoryView>) -> Result<Vec<u8>, AppError>,
    ) -> Result<Vec<u8>, AppError> {
        let cacheable = page.after.is_none()
            && cache_keys::CACHED_STORIES_FEED_LIMITS.contains(&page.limit.get());
        let cache = self.deps.cache.as_ref().filter(|_| cacheable);
        let key = cache_keys::stories_feed(caller, page.limit.get());
        if let Some(cache) = cache {
            match cache.get(&key).await {
                Ok(Some(body)) => return Ok(body),
                Ok(None) => {}
                Err(err) => tracing::warn!(error = %err, "stories feed cache read failed"),
            }
        }
        let now = self.deps.clock.now();
        let stories = tx::read(&*self.deps.uow, move |tx| {
            Box::pin(async move { Ok(tx.stories_feed(caller, page, now).await?) })
        })
        .await?;
        // Never cache a story past its expiry: the page lives until its first story expires.
        let ttl = stories
            .items
            .iter()
            .map(|s| (s.expires_at - now).to_std().unwrap_or_default())
            .fold(STORIES_FEED_TTL, Duration::min);
        let body = render(self.page_views(stories).await?)?;
        if let Some(cache) = cache.filter(|_| !ttl.is_zero())
            && let Err(err) = cache.set(&key, &body, ttl).await
        {
            tracing::warn!(error = %err, "stories feed cache write failed");
        }
        Ok(body)
    }
}
