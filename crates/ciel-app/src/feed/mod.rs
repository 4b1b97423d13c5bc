//! The home feed and its first-page cache (contract §2.6, §3.2, §3.11).
//!
//! A page comes from one visit to storage: its keys (`FeedStore::home_feed_keys`), then only the
//! posts this process holds no rendered card for (`PostStore::load_posts`; see [`cards`]), whose
//! cards are rendered (each distinct owner's avatar URL signed once) and kept for the next
//! pages. The first page at the default limit is cached under
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
//! use ciel_app::feed::{FeedRenderer, HOME_FEED_TTL, cards::Card};
//! use ciel_app::auth::Bearer;
//! use ciel_app::{AppError, CacheOutcome, FeedService, PostView, cache_keys};
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
//!     cards: ciel_app::feed::PostCards::disabled(),
//! });
//! let viewer = UserId::generate();
//! let page = br#"{"items":[],"next_cursor":null}"#;
//! rt.block_on(cache.set(&cache_keys::home_feed(viewer), page, HOME_FEED_TTL)).unwrap();
//!
//! struct Never;
//! impl FeedRenderer for Never {
//!     fn card(&self, _: PostView) -> Result<Vec<u8>, AppError> { panic!("a hit renders nothing") }
//!     fn page(&self, _: &[Card], _: Option<Cursor>) -> Vec<u8> { panic!("a hit renders nothing") }
//! }
//! let first = PageRequest { limit: PageLimit::parse(None).unwrap(), after: None };
//! assert_eq!(rt.block_on(feed.home(Bearer::confirmed(viewer), first, &Never)).unwrap(), page);
//! assert_eq!(feed.cache_stats().get(CacheOutcome::Hit), 1);
//!
//! let later = PageRequest {
//!     limit: PageLimit::parse(None).unwrap(),
//!     after: Some(Cursor::parse("2026-01-01T00:00:00Z/00000000-0000-0000-0000-000000000001").unwrap()),
//! };
//! let read = rt.block_on(feed.home(Bearer::confirmed(viewer), later, &Never));
//! assert!(matches!(read, Err(AppError::Unavailable { .. })));
//! ```

pub mod cards;
mod stats;

pub use cards::{CARD_TTL, PostCards};
pub use stats::{CacheOutcome, FeedCacheStats};

use crate::auth::Bearer;
use crate::cache_keys;
use crate::deps::CoreDeps;
use crate::error::AppError;
use crate::post_view::PostView;
use crate::posts::assemble::owner_avatar;
use crate::tx;
use cards::Card;
use ciel_domain::pagination::DEFAULT_PAGE_LIMIT;
use ciel_domain::posts::Post;
use ciel_domain::{Cursor, Page, PageRequest, PostId, UserId};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// How long a cached first page lives (contract §3.11).
pub const HOME_FEED_TTL: Duration = Duration::from_secs(30);

/// Turns feed posts into the response body; the HTTP layer implements it (the JSON shapes are
/// its business), the feed decides what is rendered when.
pub trait FeedRenderer {
    /// One post as a feed page shows it: a complete JSON value.
    fn card(&self, post: PostView) -> Result<Vec<u8>, AppError>;
    /// The page body around `cards` (already rendered, in page order).
    fn page(&self, cards: &[Card], next_cursor: Option<Cursor>) -> Vec<u8>;
}

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

/// What one storage visit gives a page: its keys, the cards held for them (by position) and
/// the posts loaded for the others.
struct Read {
    page: Page<ciel_domain::posts::PostKey>,
    cards: Vec<Option<Card>>,
    loaded: Vec<Post>,
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
    /// page from Postgres rendered by `renderer` (and cached when it is the first page at the
    /// default limit).
    ///
    /// A `caller` whose active check is still open is checked by the page's own statement when
    /// the page is read from Postgres, and by the gate's query otherwise.
    pub async fn home(
        &self,
        caller: Bearer,
        req: PageRequest,
        renderer: &dyn FeedRenderer,
    ) -> Result<Vec<u8>, AppError> {
        let cache = self.deps.cache.as_ref().filter(|_| cacheable(&req));
        let Some(cache) = cache else {
            return self.render(caller, req, renderer).await;
        };
        let key = cache_keys::home_feed(caller.user());
        let fill = match cache.get(&key).await {
            Ok(Some(body)) => {
                self.stats.record(CacheOutcome::Hit);
                caller.confirm().await?;
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
        let body = self.render(caller, req, renderer).await?;
        if fill && let Err(err) = cache.set(&key, &body, HOME_FEED_TTL).await {
            tracing::warn!(error = %err, "home feed cache write failed");
        }
        Ok(body)
    }

    /// The caller's feed page `req` from Postgres (never the page cache): own posts and those
    /// of followed users, newest first. The page's keys come first; each post is then taken
    /// from its card, or loaded (in the same visit to storage) and rendered into a new card.
    /// An open check of the caller is answered by the first page's own statement; a later page
    /// confirms the caller first.
    async fn render(
        &self,
        caller: Bearer,
        req: PageRequest,
        renderer: &dyn FeedRenderer,
    ) -> Result<Vec<u8>, AppError> {
        let caller = match req.after {
            Some(_) => Bearer::confirmed(caller.confirm().await?),
            None => caller,
        };
        let (viewer, check) = (caller.user(), !caller.is_settled());
        let now = self.deps.clock.now();
        let cards = self.deps.cards.clone();
        let epoch = cards.epoch();
        let read = tx::read(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                let fetch = req.limit.fetch_count();
                let keys = if check {
                    match tx.first_page_keys_if_active(viewer, fetch, now).await? {
                        Some(keys) => keys,
                        None => return Ok(None),
                    }
                } else {
                    tx.home_feed_keys(viewer, req.after, fetch).await?
                };
                let page = Page::from_lookahead(keys, req.limit, |k| Cursor {
                    ts: k.created_at,
                    id: k.id.as_uuid(),
                });
                let held: Vec<Option<Card>> = page.items.iter().map(|k| cards.get(k.id)).collect();
                let missing: Vec<PostId> = page
                    .items
                    .iter()
                    .zip(&held)
                    .filter(|(_, card)| card.is_none())
                    .map(|(k, _)| k.id)
                    .collect();
                let loaded = tx.load_posts(&missing).await?;
                Ok(Some(Read {
                    page,
                    cards: held,
                    loaded,
                }))
            })
        })
        .await?;
        // No read: the caller's account is not active.
        let Some(read) = read else {
            return Err(caller.found_inactive());
        };
        caller.found_active();
        let rendered = self.render_cards(read.loaded, renderer).await?;
        let mut cards = Vec::with_capacity(read.page.items.len());
        for (key, held) in read.page.items.iter().zip(read.cards) {
            // A post deleted between the two reads has no card: it is left out, as if the page
            // had been read a moment later.
            if let Some(card) = held.or_else(|| rendered.get(&key.id).cloned()) {
                cards.push(card);
            }
        }
        for (post, card) in rendered {
            self.deps.cards.insert(post, epoch, card);
        }
        Ok(renderer.page(&cards, read.page.next_cursor))
    }

    /// Renders `posts` into cards (each distinct owner's avatar URL signed once).
    async fn render_cards(
        &self,
        posts: Vec<Post>,
        renderer: &dyn FeedRenderer,
    ) -> Result<HashMap<PostId, Card>, AppError> {
        let mut urls: HashMap<String, Option<String>> = HashMap::new();
        let mut cards = HashMap::with_capacity(posts.len());
        for post in posts {
            let owner_avatar_url = owner_avatar(&self.deps, &mut urls, &post).await;
            let id = post.id;
            let view = PostView {
                owner_avatar_url,
                ..PostView::bare(post)
            };
            cards.insert(id, Card::from(renderer.card(view)?));
        }
        Ok(cards)
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
