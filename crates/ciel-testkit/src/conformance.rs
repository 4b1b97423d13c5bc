//! Port conformance suites: every adapter of a port must pass the same suite.

use ciel_domain::ports::Cache;
use std::time::Duration;

/// The behaviour every `Cache` adapter must have. `prefix` isolates this run's keys.
pub async fn cache_suite(cache: &dyn Cache, prefix: &str) {
    let key = |k: &str| format!("{prefix}{k}");

    cache.ping().await.expect("ping");
    assert_eq!(cache.get(&key("missing")).await.expect("get"), None);

    cache
        .set(&key("a"), b"alpha", Duration::from_secs(30))
        .await
        .expect("set");
    assert_eq!(
        cache.get(&key("a")).await.expect("get").as_deref(),
        Some(&b"alpha"[..])
    );

    // Overwrite replaces the value.
    cache
        .set(&key("a"), b"beta", Duration::from_secs(30))
        .await
        .expect("overwrite");
    assert_eq!(
        cache.get(&key("a")).await.expect("get").as_deref(),
        Some(&b"beta"[..])
    );

    // Binary-safe values.
    let binary = [0u8, 255, 10, 13, 0];
    cache
        .set(&key("bin"), &binary, Duration::from_secs(30))
        .await
        .expect("set binary");
    assert_eq!(
        cache.get(&key("bin")).await.expect("get").as_deref(),
        Some(&binary[..])
    );

    // Delete, and deleting a missing key is fine.
    cache.delete(&key("a")).await.expect("delete");
    assert_eq!(cache.get(&key("a")).await.expect("get"), None);
    cache.delete(&key("a")).await.expect("delete missing");

    // Expiry.
    cache
        .set(&key("short"), b"x", Duration::from_millis(150))
        .await
        .expect("set short");
    assert!(cache.get(&key("short")).await.expect("get").is_some());
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        cache.get(&key("short")).await.expect("get"),
        None,
        "entry must expire"
    );

    // Prefix deletion removes all variants and nothing else; glob characters are literal.
    for variant in [
        "feed:stories:u1:10",
        "feed:stories:u1:30",
        "feed:stories:u10:10",
        "feed:stories:u*:1",
    ] {
        cache
            .set(&key(variant), b"page", Duration::from_secs(30))
            .await
            .expect("set variant");
    }
    cache
        .delete_prefix(&key("feed:stories:u1:"))
        .await
        .expect("delete prefix");
    assert_eq!(
        cache.get(&key("feed:stories:u1:10")).await.expect("get"),
        None
    );
    assert_eq!(
        cache.get(&key("feed:stories:u1:30")).await.expect("get"),
        None
    );
    assert!(
        cache
            .get(&key("feed:stories:u10:10"))
            .await
            .expect("get")
            .is_some()
    );
    cache
        .delete_prefix(&key("feed:stories:u*"))
        .await
        .expect("delete literal glob");
    assert_eq!(
        cache.get(&key("feed:stories:u*:1")).await.expect("get"),
        None
    );
    assert!(
        cache
            .get(&key("feed:stories:u10:10"))
            .await
            .expect("get")
            .is_some()
    );
}
