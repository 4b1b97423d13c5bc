//! Port conformance suites: every adapter of a port must pass the same suite.

use ciel_domain::ports::{Cache, ObjectStore, ObjectStoreError, PresignedPut};
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

    // Deleting many keys at once removes exactly those (missing ones are fine), also beyond
    // one command's worth of keys; an empty list is a no-op.
    let many: Vec<String> = (0..2500).map(|i| key(&format!("feed:home:m{i}"))).collect();
    for k in many.iter().step_by(250) {
        cache
            .set(k, b"page", Duration::from_secs(30))
            .await
            .expect("set many");
    }
    cache
        .set(&key("feed:home:keep"), b"page", Duration::from_secs(30))
        .await
        .expect("set keep");
    cache.delete_many(&[]).await.expect("delete none");
    cache.delete_many(&many).await.expect("delete many");
    for k in many.iter().step_by(250) {
        assert_eq!(cache.get(k).await.expect("get"), None, "{k} deleted");
    }
    assert!(
        cache
            .get(&key("feed:home:keep"))
            .await
            .expect("get")
            .is_some(),
        "keys not listed stay"
    );
}

/// The behaviour every `ObjectStore` adapter must have. `prefix` isolates this run's keys.
///
/// Presigned URLs are fetched over real HTTP, so the store must be reachable from the test and
/// must check signatures like AWS (s3s-fs and Garage do; moto and s3rver accept anything).
/// Takes about 2.5 s: it waits for presigned URLs to expire.
pub async fn object_store_suite(store: &dyn ObjectStore, prefix: &str) {
    let key = |k: &str| format!("{prefix}{k}");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("http client");
    let not_found = |r: Result<_, ObjectStoreError>, what: &str| match r {
        Err(ObjectStoreError::NotFound) => {}
        Err(other) => panic!("{what}: expected NotFound, got {other:?}"),
        Ok(_) => panic!("{what}: expected NotFound, got a value"),
    };

    // Put/get round trip of binary bytes (every byte value, not UTF-8), then head.
    let bytes: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    store
        .put(
            &key("bin/object.bin"),
            bytes.clone(),
            "application/octet-stream",
            "public, max-age=31536000, immutable",
        )
        .await
        .expect("put");
    assert_eq!(store.get(&key("bin/object.bin")).await.expect("get"), bytes);
    let meta = store.head(&key("bin/object.bin")).await.expect("head");
    assert_eq!(meta.size, 3000);
    assert_eq!(
        meta.content_type.as_deref(),
        Some("application/octet-stream")
    );

    // Overwrite replaces bytes and content type.
    store
        .put(
            &key("bin/object.bin"),
            b"\x89PNG".to_vec(),
            "image/png",
            "no-cache",
        )
        .await
        .expect("overwrite");
    assert_eq!(
        store.get(&key("bin/object.bin")).await.expect("get"),
        b"\x89PNG"
    );
    let meta = store.head(&key("bin/object.bin")).await.expect("head");
    assert_eq!(
        (meta.size, meta.content_type.as_deref()),
        (4, Some("image/png"))
    );

    // Missing keys.
    not_found(store.get(&key("missing")).await.map(drop), "get missing");
    not_found(store.head(&key("missing")).await.map(drop), "head missing");

    // Delete, then it is gone; deleting a missing object is fine.
    store.delete(&key("bin/object.bin")).await.expect("delete");
    not_found(
        store.get(&key("bin/object.bin")).await.map(drop),
        "get deleted",
    );
    not_found(
        store.head(&key("bin/object.bin")).await.map(drop),
        "head deleted",
    );
    store
        .delete(&key("bin/object.bin"))
        .await
        .expect("delete missing");

    // A presigned GET serves the bytes, with the stored content type and Cache-Control.
    let photo: Vec<u8> = (0..=255u8).rev().cycle().take(5000).collect();
    store
        .put(
            &key("media/photo.jpg"),
            photo.clone(),
            "image/jpeg",
            "public, max-age=31536000, immutable",
        )
        .await
        .expect("put photo");
    let url = store
        .presign_get(&key("media/photo.jpg"), Duration::from_secs(60))
        .await
        .expect("presign get");
    let res = http.get(&url).send().await.expect("GET presigned");
    assert!(res.status().is_success(), "GET presigned: {}", res.status());
    let header = |res: &reqwest::Response, name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(header(&res, "content-type").as_deref(), Some("image/jpeg"));
    assert_eq!(
        header(&res, "cache-control").as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(res.bytes().await.expect("body").as_ref(), &photo[..]);

    // A presigned PUT with exactly the returned headers and `length` bytes succeeds.
    let upload: Vec<u8> = (0..=255u8).cycle().skip(7).take(1234).collect();
    let put = store
        .presign_put(
            &key("uploads/u1/a.png"),
            "image/png",
            1234,
            Duration::from_secs(60),
        )
        .await
        .expect("presign put");
    let mut names: Vec<String> = put
        .headers
        .iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["content-length", "content-type"],
        "{:?}",
        put.headers
    );
    let status = presigned_put(&http, &put, &[], upload.clone()).await;
    assert!(status.is_success(), "PUT presigned: {status}");
    assert_eq!(
        store
            .get(&key("uploads/u1/a.png"))
            .await
            .expect("get upload"),
        upload
    );
    let meta = store
        .head(&key("uploads/u1/a.png"))
        .await
        .expect("head upload");
    assert_eq!(
        (meta.size, meta.content_type.as_deref()),
        (1234, Some("image/png"))
    );

    // The signature binds the content type and the length.
    let put = store
        .presign_put(
            &key("uploads/u1/b.png"),
            "image/png",
            1234,
            Duration::from_secs(60),
        )
        .await
        .expect("presign put");
    let status = presigned_put(
        &http,
        &put,
        &[("Content-Type", "image/jpeg")],
        upload.clone(),
    )
    .await;
    assert!(
        !status.is_success(),
        "PUT with another Content-Type: {status}"
    );
    let mut longer = upload.clone();
    longer.push(0);
    let status = presigned_put(&http, &put, &[("Content-Length", "1235")], longer).await;
    assert!(!status.is_success(), "PUT of another length: {status}");
    not_found(
        store.head(&key("uploads/u1/b.png")).await.map(drop),
        "rejected uploads store nothing",
    );

    // Presigned URLs expire.
    let get_url = store
        .presign_get(&key("media/photo.jpg"), Duration::from_secs(1))
        .await
        .expect("presign get");
    let put = store
        .presign_put(
            &key("uploads/u1/c.png"),
            "image/png",
            1234,
            Duration::from_secs(1),
        )
        .await
        .expect("presign put");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let status = http
        .get(&get_url)
        .send()
        .await
        .expect("GET expired")
        .status();
    assert!(!status.is_success(), "GET after expiry: {status}");
    let status = presigned_put(&http, &put, &[], upload).await;
    assert!(!status.is_success(), "PUT after expiry: {status}");
}

/// PUTs `body` to a presigned URL with its headers, `overrides` replacing some of them.
async fn presigned_put(
    http: &reqwest::Client,
    put: &PresignedPut,
    overrides: &[(&str, &str)],
    body: Vec<u8>,
) -> reqwest::StatusCode {
    let mut req = http.put(&put.url);
    for (name, value) in &put.headers {
        let value = overrides
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map_or(value.as_str(), |(_, v)| v);
        req = req.header(name.as_str(), value);
    }
    req.body(body).send().await.expect("PUT presigned").status()
}

/// The behaviour every `JobQueue` adapter must have. `receive` takes the next job the queue
/// delivers to its consumer side (it may wait; the suite bounds each call) and acknowledges it.
/// The queue must be empty and used by nobody else.
pub async fn job_queue_suite<R, F>(queue: &dyn ciel_domain::ports::JobQueue, mut receive: R)
where
    R: FnMut() -> F,
    F: std::future::Future<Output = Option<ciel_domain::ports::MediaJob>>,
{
    use ciel_domain::ports::MediaJob;
    use ciel_domain::{UploadId, UserId};

    const WAIT: Duration = Duration::from_secs(10);
    let job = |key: &str| MediaJob {
        upload_id: UploadId::generate(),
        owner_id: UserId::generate(),
        original_key: key.to_owned(),
    };

    queue.ping().await.expect("ping");

    // A published job arrives intact, once.
    let first = job("uploads/a/photo.jpg");
    queue.publish_media_job(&first).await.expect("publish");
    let got = tokio::time::timeout(WAIT, receive())
        .await
        .expect("the published job arrives")
        .expect("a job");
    assert_eq!(got, first);

    // Several jobs all arrive, with keys that need escaping in JSON left untouched.
    let sent = [
        job("uploads/b/1.png"),
        job("uploads/c/ünïcødé \"quoted\" \\ ✓.webp"),
        job("uploads/d/3.jpg"),
    ];
    for j in &sent {
        queue.publish_media_job(j).await.expect("publish");
    }
    let mut got = Vec::new();
    for _ in &sent {
        got.push(
            tokio::time::timeout(WAIT, receive())
                .await
                .expect("every published job arrives")
                .expect("a job"),
        );
    }
    for j in &sent {
        assert!(got.contains(j), "{j:?} arrived intact");
    }

    // Nothing else (no duplicates).
    let extra = tokio::time::timeout(Duration::from_millis(500), receive()).await;
    assert!(
        matches!(extra, Err(_) | Ok(None)),
        "no job beyond those published: {extra:?}"
    );

    queue.ping().await.expect("ping after use");
}

/// The behaviour every `RateLimiter` adapter must have (GCRA: `max` at once, then one per
/// `window / max`). `prefix` isolates this run's keys.
pub async fn rate_limiter_suite(limiter: &dyn ciel_domain::ports::RateLimiter, prefix: &str) {
    use ciel_domain::ports::Limit;
    use ciel_domain::ratelimit::Window;
    let key = |k: &str| format!("{prefix}{k}");
    // T = 12 s: the suite runs well within one emission interval.
    let five_a_minute = [Limit {
        window: Window::Minute,
        max: 5,
    }];

    // Peek does not consume.
    for _ in 0..3 {
        let d = limiter.peek(&key("a"), &five_a_minute).await;
        assert!(d.allowed, "peek on a fresh key: {d:?}");
        assert_eq!((d.limit, d.remaining), (5, 5), "peek on a fresh key: {d:?}");
    }

    // Exactly max allowed, remaining counting down to 0.
    for expected in (0..5).rev() {
        let d = limiter.check(&key("a"), &five_a_minute).await;
        assert!(d.allowed, "request {} of 5: {d:?}", 5 - expected);
        assert_eq!((d.limit, d.remaining), (5, expected), "{d:?}");
        assert_eq!(d.retry_after, Duration::ZERO, "{d:?}");
    }

    // Then refused, with the real wait: positive and at most one emission interval.
    for _ in 0..3 {
        let d = limiter.check(&key("a"), &five_a_minute).await;
        assert!(!d.allowed, "the 6th request in a minute is refused: {d:?}");
        assert_eq!((d.limit, d.remaining), (5, 0), "{d:?}");
        assert!(
            d.retry_after > Duration::ZERO && d.retry_after <= Duration::from_secs(12),
            "retry_after is the wait for the next slot (≤ 60 s / 5): {d:?}"
        );
    }
    let d = limiter.peek(&key("a"), &five_a_minute).await;
    assert!(!d.allowed && d.remaining == 0, "peek when exhausted: {d:?}");

    // Keys are independent.
    let d = limiter.check(&key("b"), &five_a_minute).await;
    assert!(d.allowed, "another key is unaffected: {d:?}");
    assert_eq!(d.remaining, 4, "{d:?}");

    // Two limits at once: the tightest is reported, and any one refusing refuses.
    let both = [
        Limit {
            window: Window::Hour,
            max: 100,
        },
        Limit {
            window: Window::Minute,
            max: 3,
        },
    ];
    for expected in (0..3).rev() {
        let d = limiter.check(&key("c"), &both).await;
        assert!(d.allowed, "{d:?}");
        assert_eq!(
            (d.limit, d.remaining),
            (3, expected),
            "the minute limit is tightest: {d:?}"
        );
    }
    let d = limiter.check(&key("c"), &both).await;
    assert!(!d.allowed, "the minute limit refuses: {d:?}");
    assert_eq!((d.limit, d.remaining), (3, 0), "{d:?}");
    assert!(
        d.retry_after > Duration::ZERO && d.retry_after <= Duration::from_secs(20),
        "{d:?}"
    );
    // Only allowed requests counted against the hour limit.
    let hour_only = [both[0]];
    let d = limiter.peek(&key("c"), &hour_only).await;
    assert!(d.allowed, "{d:?}");
    assert_eq!(
        (d.limit, d.remaining),
        (100, 97),
        "3 counted, the refused one not: {d:?}"
    );

    // A tighter long window binds even though the short one allows.
    let hour_and_day = [
        Limit {
            window: Window::Hour,
            max: 10,
        },
        Limit {
            window: Window::Day,
            max: 2,
        },
    ];
    for expected in [1, 0] {
        let d = limiter.check(&key("d"), &hour_and_day).await;
        assert!(d.allowed, "{d:?}");
        assert_eq!((d.limit, d.remaining), (2, expected), "{d:?}");
    }
    let d = limiter.check(&key("d"), &hour_and_day).await;
    assert!(!d.allowed, "the day limit refuses: {d:?}");
    assert_eq!(d.limit, 2, "{d:?}");
    assert!(
        d.retry_after > Duration::from_secs(11 * 3600)
            && d.retry_after <= Duration::from_secs(12 * 3600),
        "the day limit's wait (T = 12 h): {d:?}"
    );
}
