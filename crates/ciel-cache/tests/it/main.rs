//! Both cache adapters pass the same conformance suite; Redis failures are fast errors.

use ciel_cache::{MemoryCache, RedisCache};
use ciel_domain::ports::Cache;
use ciel_testkit::conformance::cache_suite;
use ciel_testkit::{redis_url, unique_name};
use std::time::{Duration, Instant};

#[tokio::test]
async fn memory_cache_conforms() {
    cache_suite(&MemoryCache::new(1000), "").await;
}

#[tokio::test]
async fn redis_cache_conforms() {
    let cache =
        RedisCache::connect_lazy(&redis_url(), format!("{}:", unique_name("test"))).unwrap();
    cache_suite(&cache, "").await;
}

#[tokio::test]
async fn redis_prefixes_isolate_tenants() {
    let url = redis_url();
    let a = RedisCache::connect_lazy(&url, format!("{}:", unique_name("a"))).unwrap();
    let b = RedisCache::connect_lazy(&url, format!("{}:", unique_name("b"))).unwrap();
    a.set("k", b"from-a", Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(b.get("k").await.unwrap(), None);
    b.delete_prefix("").await.unwrap();
    assert!(
        a.get("k").await.unwrap().is_some(),
        "b's prefix wipe leaves a alone"
    );
}

#[tokio::test]
async fn an_unreachable_redis_fails_fast_instead_of_hanging() {
    // Nothing listens on port 1.
    let cache = RedisCache::connect_lazy("redis://127.0.0.1:1/", "").unwrap();
    let started = Instant::now();
    assert!(cache.get("k").await.is_err());
    assert!(cache.ping().await.is_err());
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}
