//! The cache decisions of `FeedService` over an in-test cache and a unit of work that counts
//! every use of the database (and fails it): a hit never reaches the database or the renderer,
//! other pages never read the cache, cache failures are counted and fall through.

use super::*;
use crate::avatars::AvatarUrls;
use crate::deps::SystemClock;
use crate::media_urls::MediaUrls;
use async_trait::async_trait;
use ciel_domain::ports::{Cache, CacheError, RepoError, TxAbort, TxWork, UnitOfWork};
use ciel_domain::{PageLimit, PageRequest};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A database that is never reached successfully: counts each unit of work and fails it.
#[derive(Default)]
struct CountingDb(AtomicUsize);

#[async_trait]
impl UnitOfWork for CountingDb {
    async fn transaction(&self, _work: TxWork) -> Result<(), TxAbort> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Err(TxAbort::Repo(RepoError::Unavailable(
            "no database in this test".into(),
        )))
    }
    async fn connection(&self, _work: TxWork) -> Result<(), TxAbort> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Err(TxAbort::Repo(RepoError::Unavailable(
            "no database in this test".into(),
        )))
    }
}

/// A map cache, or one whose every call fails.
#[derive(Default)]
struct MapCache {
    map: Mutex<HashMap<String, Vec<u8>>>,
    broken: bool,
}

impl MapCache {
    fn check(&self) -> Result<(), CacheError> {
        if self.broken {
            Err(CacheError("down".into()))
        } else {
            Ok(())
        }
    }
}

#[async_trait]
impl Cache for MapCache {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        self.check()?;
        Ok(self.map.lock().unwrap().get(key).cloned())
    }
    async fn set(&self, key: &str, value: &[u8], _ttl: Duration) -> Result<(), CacheError> {
        self.check()?;
        self.map
            .lock()
            .unwrap()
            .insert(key.to_owned(), value.to_vec());
        Ok(())
    }
    async fn delete(&self, key: &str) -> Result<(), CacheError> {
        self.check()?;
        self.map.lock().unwrap().remove(key);
        Ok(())
    }
    async fn delete_prefix(&self, prefix: &str) -> Result<(), CacheError> {
        self.check()?;
        self.map
            .lock()
            .unwrap()
            .retain(|k, _| !k.starts_with(prefix));
        Ok(())
    }
    async fn ping(&self) -> Result<(), CacheError> {
        self.check()
    }
}

fn service(cache: Arc<MapCache>) -> (FeedService, Arc<CountingDb>) {
    let db = Arc::new(CountingDb::default());
    let deps = CoreDeps {
        uow: db.clone(),
        cache: Some(cache),
        store: None,
        avatars: AvatarUrls::new(None, None),
        media_urls: MediaUrls::new(None),
        clock: Arc::new(SystemClock),
        cards: crate::feed::PostCards::disabled(),
    };
    (FeedService::new(deps), db)
}

fn user() -> UserId {
    UserId::from(uuid::Uuid::new_v4())
}

/// A renderer that must not be reached.
struct NeverRender;

impl FeedRenderer for NeverRender {
    fn card(&self, _: PostView) -> Result<Vec<u8>, AppError> {
        panic!("a hit must not render")
    }
    fn page(&self, _: &[cards::Card], _: Option<Cursor>) -> Vec<u8> {
        panic!("a hit must not render")
    }
}

#[tokio::test]
async fn a_hit_returns_the_stored_bytes_without_the_database() {
    let cache = Arc::new(MapCache::default());
    let (feed, db) = service(cache.clone());
    let viewer = user();
    let body = br#"{"items":[],"next_cursor":null}"#.to_vec();
    cache
        .set(&cache_keys::home_feed(viewer), &body, HOME_FEED_TTL)
        .await
        .unwrap();
    let got = feed
        .home(
            Bearer::confirmed(viewer),
            PageRequest::default(),
            &NeverRender,
        )
        .await
        .unwrap();
    assert_eq!(got, body);
    assert_eq!(db.0.load(Ordering::SeqCst), 0, "no database on a hit");
    let stats = feed.cache_stats();
    assert_eq!(stats.get(CacheOutcome::Hit), 1);
    assert_eq!(stats.get(CacheOutcome::Miss), 0);
}

#[tokio::test]
async fn a_miss_reads_the_database_and_caches_nothing_when_it_fails() {
    let cache = Arc::new(MapCache::default());
    let (feed, db) = service(cache.clone());
    let viewer = user();
    let err = feed
        .home(
            Bearer::confirmed(viewer),
            PageRequest::default(),
            &NeverRender,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Internal(_)), "{err:?}");
    assert_eq!(db.0.load(Ordering::SeqCst), 1);
    assert_eq!(feed.cache_stats().get(CacheOutcome::Miss), 1);
    assert!(cache.map.lock().unwrap().is_empty());
}

#[tokio::test]
async fn only_the_first_page_at_the_default_limit_reads_the_cache() {
    let cache = Arc::new(MapCache::default());
    let (feed, db) = service(cache.clone());
    let viewer = user();
    cache
        .set(&cache_keys::home_feed(viewer), b"cached", HOME_FEED_TTL)
        .await
        .unwrap();
    let other_limit = PageRequest {
        limit: PageLimit::parse(Some(10)).unwrap(),
        after: None,
    };
    let with_cursor = PageRequest {
        limit: PageLimit::default(),
        after: Some(Cursor {
            ts: chrono::Utc::now(),
            id: uuid::Uuid::new_v4(),
        }),
    };
    for req in [other_limit, with_cursor] {
        assert!(
            feed.home(Bearer::confirmed(viewer), req, &NeverRender)
                .await
                .is_err()
        );
    }
    assert_eq!(db.0.load(Ordering::SeqCst), 2, "both went to the database");
    let stats = feed.cache_stats();
    assert_eq!(
        stats.get(CacheOutcome::Hit) + stats.get(CacheOutcome::Miss),
        0
    );
}

#[tokio::test]
async fn a_failing_cache_is_counted_and_falls_through() {
    let cache = Arc::new(MapCache {
        broken: true,
        ..MapCache::default()
    });
    let (feed, db) = service(cache);
    assert!(
        feed.home(
            Bearer::confirmed(user()),
            PageRequest::default(),
            &NeverRender
        )
        .await
        .is_err()
    );
    assert_eq!(
        db.0.load(Ordering::SeqCst),
        1,
        "fell through to the database"
    );
    assert_eq!(feed.cache_stats().get(CacheOutcome::Error), 1);
    // Refreshing with a failing cache is not an error.
    feed.refresh(user()).await;
}

#[tokio::test]
async fn refresh_drops_the_cached_page() {
    let cache = Arc::new(MapCache::default());
    let (feed, _) = service(cache.clone());
    let (viewer, other) = (user(), user());
    for u in [viewer, other] {
        cache
            .set(&cache_keys::home_feed(u), b"page", HOME_FEED_TTL)
            .await
            .unwrap();
    }
    feed.refresh(viewer).await;
    let map = cache.map.lock().unwrap();
    assert!(!map.contains_key(&cache_keys::home_feed(viewer)));
    assert!(map.contains_key(&cache_keys::home_feed(other)));
}
