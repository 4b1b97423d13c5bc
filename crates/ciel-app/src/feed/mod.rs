//! The home feed and its first-page cache (contract §2.6, §3.2, §3.11).
//!
//! A page comes from one storage call (`FeedStore::home_feed`), then each distinct owner's
//! avatar URL is signed. The first page at the default limit is cached under
//! `feed:home:{user}` for 30 s as the **finished response body**: the caller passes the
//! renderer, a hit returns the stored bytes as they are (one cache round trip, no database, no
//! serialisation). Any cache failure is counted and falls through to Postgres; the feed never
//! fails because the cache is down.
//!
//! # Example
//!
//! A cached first page is answered from the cache alone — here storage is a pool that never
//! lends a connection, and the renderer must not run — while a later page always reads
//! storage (busy here, so a 503-style [`AppError::Unavailable`]).
//!
//! ```
//! # use ciel_app::{AvatarUrls, CoreDeps, MediaUrls, SystemClock};
//! # use ciel_domain::ports::{RepoError, TxAbort, TxWork, UnitOfWork};
//! # use std::sync::Arc;
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
//! # let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! use ciel_app::feed::HOME_FEED_TTL;
//! use ciel_app::{AppError, CacheOutcome, FeedService, cache_keys};
//! use ciel_cache::MemoryCache;
//! use ciel_domain::pagination::{Cursor, PageLimit, PageRequest};
//! use ciel_domain::ports::Cache;
//! use ciel_domain::UserId;
//!
//! let cache = Arc::new(MemoryCache::default());
//! let feed = FeedService::new(CoreDeps {
//!     uow: Arc::new(Busy),
//!     cache: Some(cache.clone()),
//!     store: None,
//!     avatars: AvatarUrls::new(None, None),
//!     media_urls: MediaUrls::new(None),
//!     clock: Arc::new(SystemClock),
//! });
//! let viewer = UserId::generate();
//! let page = br#"{"items":[],"next_cursor":null}"#;
//! rt.block_on(cache.set(&cache_keys::home_feed(viewer), page, HOME_FEED_TTL)).unwrap();
//!
//! let first = PageRequest { limit: PageLimit::parse(None).unwrap(), after: None };
//! let never = |_| -> Result<Vec<u8>, AppError> { panic!("a hit renders nothing") };
//! assert_eq!(rt.block_on(feed.home(viewer, first, never)).unwrap(), page);
//! assert_eq!(feed.cache_stats().get(CacheOutcome::Hit), 1);
//!
//! let later = PageRequest {
//!     limit: PageLimit::parse(None).unwrap(),
//!     after: Some(Cursor::parse("2026-01-01T00:00:00Z/00000000-0000-0000-0000-000000000001").unwrap()),
//! };
//! let read = rt.block_on(feed.home(viewer, later, |_| Ok(Vec::new())));
//! assert!(matches!(read, Err(AppError::Unavailable { .. })));
//! ```

mod stats;

pub use stats::{CacheOutcome, FeedCacheStats};

use crate::cache_keys;
use crate::deps::CoreDeps;
use crate::error::AppError;
use crate::post_view::PostView;
use crate::tx;
use ciel_domain::pagination::DEFAULT_PAGE_LIMIT;
use ciel_domain::{Cursor, Page, PageRequest, UserId};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// How long a cached first page lives (contract §3.11).
pub const HOME_FEED_TTL: Duration = Duration::from_secs(30);

/// The home feed and its first-page cache (contract §2.6, §3.2).
#[derive(Clone)]
pub struct FeedService {
    deps: CoreDeps,
    stats: Arc<FeedCacheStats>,
}

/// Whether a request is the one the cache holds: the first page at the default limit. The key
/// (`feed:home:{user}`, shared with other implementations) carries no limit, so other limits
/// always read Postgres.
fn cacheable(req: &PageRequest) -> bool {
    req.after.is_none() && req.limit.get() == DEFAULT_PAGE_LIMIT
}

impl FeedService {
    /// A service over the shared dependencies.
    pub fn new(deps: CoreDeps) -> Self {
        Self {
            deps,
            stats: Arc::default(),
        }
    }

    /// What the first-page cache answered so far (exported as a metric by the runtime).
    pub fn cache_stats(&self) -> Arc<FeedCacheStats> {
        self.stats.clone()
    }

    /// The response body of `viewer`'s feed page `req`: the cached bytes on a hit, otherwise the
    /// page from Postgres rendered by `render` (and cached when it is the first page at the
    /// default limit).
    pub async fn home<R>(
        &self,
        viewer: UserId,
        req: PageRequest,
        render: R,
    ) -> Result<Vec<u8>, AppError>
    where
        R: FnOnce(Page<PostView>) -> Result<Vec<u8>, AppError>,
    {
        let cache = self.deps.cache.as_ref().filter(|_| cacheable(&req));
        let Some(cache) = cache else {
            return render(self.page(viewer, req).await?);
        };
        let key = cache_keys::home_feed(viewer);
        let fill = match cache.get(&key).await {
            Ok(Some(body)) => {
                self.stats.record(CacheOutcome::Hit);
                return Ok(body);
            }
            Ok(None) => {
                self.stats.record(CacheOutcome::Miss);
                true
            }
            Err(err) => {
                self.stats.record(CacheOutcome::Error);
                tracing::warn!(error = %err, "home feed cache read failed; reading Postgres");
                // The cache is failing: do not wait on it a second time for this request.
                false
            }
        };
        let body = render(self.page(viewer, req).await?)?;
        if fill && let Err(err) = cache.set(&key, &body, HOME_FEED_TTL).await {
            tracing::warn!(error = %err, "home feed cache write failed");
        }
        Ok(body)
    }

    /// `viewer`'s feed page `req` from Postgres (never cached): own posts and those of followed
    /// users, newest first, with each owner's avatar URL.
    pub async fn page(&self, viewer: UserId, req: PageRequest) -> Result<Page<PostView>, AppError> {
        let posts = tx::read(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                Ok(tx
                    .home_feed(viewer, req.after, req.limit.fetch_count())
                    .await?)
            })
        })
        .await?;
        let page = Page::from_lookahead(posts, req.limit, |p| Cursor {
            ts: p.created_at,
            id: p.id.as_uuid(),
        });
        let mut urls: HashMap<String, Option<String>> = HashMap::new();
        for post in &page.items {
            if let Some(key) = &post.owner_avatar_key
                && !urls.contains_key(key)
            {
                let url = self.deps.avatars.url(Some(key)).await;
                urls.insert(key.clone(), url);
            }
        }
        Ok(page.map(|post| {
            let owner_avatar_url = post
                .owner_avatar_key
                .as_ref()
                .and_then(|k| urls.get(k).cloned().flatten());
            PostView {
                owner_avatar_url,
                ..PostView::bare(post)
            }
        }))
    }

    /// `POST /feed/refresh`: drops `viewer`'s cached first page. A cache failure is logged, not
    /// returned (the page expires within 30 s anyway).
    pub async fn refresh(&self, viewer: UserId) {
        if let Some(cache) = &self.deps.cache
            && let Err(err) = cache.delete(&cache_keys::home_feed(viewer)).await
        {
            tracing::warn!(error = %err, "home feed cache invalidation failed");
        }
    }
}

#[cfg(test)]
mod tests;
