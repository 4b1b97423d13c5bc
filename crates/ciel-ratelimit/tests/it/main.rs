//! Every limiter passes the same conformance suite; the Redis one is atomic under concurrency;
//! the fallback keeps enforcing, fast, while Redis is unreachable.

use ciel_domain::ports::{Limit, RateLimiter};
use ciel_domain::ratelimit::Window;
use ciel_ratelimit::{FallbackLimiter, MemoryLimiter, RedisLimiter};
use ciel_testkit::conformance::rate_limiter_suite;
use ciel_testkit::{redis_url, unique_name};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Nothing listens on port 1.
const DEAD_REDIS: &str = "redis://127.0.0.1:1/";

fn redis_limiter() -> RedisLimiter {
    RedisLimiter::connect_lazy(&redis_url(), format!("{}:", unique_name("rl"))).unwrap()
}

const TEN_A_MINUTE: [Limit; 1] = [Limit {
    window: Window::Minute,
    max: 10,
}];

#[tokio::test]
async fn memory_limiter_conforms() {
    rate_limiter_suite(&MemoryLimiter::new(), "").await;
}

#[tokio::test]
async fn redis_limiter_conforms() {
    let limiter = redis_limiter();
    rate_limiter_suite(&limiter, "").await;
    let d = limiter.check("fresh", &TEN_A_MINUTE).await;
    assert!(!d.fallback, "Redis decided: {d:?}");
}

#[tokio::test]
async fn fallback_limiter_with_redis_up_conforms_and_uses_redis() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let limiter = FallbackLimiter::new(redis_limiter(), MemoryLimiter::new()).with_on_fallback(
        Arc::new(move || {
            counter.fetch_add(1, Ordering::Relaxed);
        }),
    );
    rate_limiter_suite(&limiter, "").await;
    assert_eq!(calls.load(Ordering::Relaxed), 0, "Redis decided everything");
    assert!(!limiter.check("x", &TEN_A_MINUTE).await.fallback);
}

#[tokio::test]
async fn redis_limiters_share_state_and_prefixes_isolate() {
    let url = redis_url();
    let prefix = format!("{}:", unique_name("shared"));
    let a = RedisLimiter::connect_lazy(&url, prefix.clone()).unwrap();
    let b = RedisLimiter::connect_lazy(&url, prefix).unwrap();
    let other = redis_limiter();
    for _ in 0..5 {
        assert!(a.check("k", &TEN_A_MINUTE).await.allowed);
        assert!(b.check("k", &TEN_A_MINUTE).await.allowed);
    }
    assert!(
        !a.check("k", &TEN_A_MINUTE).await.allowed,
        "two instances, one budget"
    );
    assert_eq!(other.peek("k", &TEN_A_MINUTE).await.remaining, 10);
}

#[tokio::test]
async fn redis_decisions_are_atomic_under_concurrency() {
    let limiter = Arc::new(redis_limiter());
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let limiter = limiter.clone();
            tokio::spawn(async move { limiter.check("hot", &TEN_A_MINUTE).await })
        })
        .collect();
    let mut allowed = 0;
    let mut remaining = Vec::new();
    for task in tasks {
        let d = task.await.unwrap();
        assert!(!d.fallback, "{d:?}");
        if d.allowed {
            allowed += 1;
            remaining.push(d.remaining);
        }
    }
    assert_eq!(
        allowed, 10,
        "exactly max allowed out of 50 concurrent requests"
    );
    remaining.sort_unstable();
    assert_eq!(
        remaining,
        (0..10).collect::<Vec<_>>(),
        "each slot handed out once"
    );
}

#[tokio::test]
async fn fallback_enforces_the_policy_fast_when_redis_is_down() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let limiter = FallbackLimiter::new(
        RedisLimiter::connect_lazy(DEAD_REDIS, "").unwrap(),
        MemoryLimiter::new(),
    )
    .with_on_fallback(Arc::new(move || {
        counter.fetch_add(1, Ordering::Relaxed);
    }));
    let mut decisions = Vec::new();
    for _ in 0..12 {
        let started = Instant::now();
        let d = limiter.check("user", &TEN_A_MINUTE).await;
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "a decision took {:?}",
            started.elapsed()
        );
        assert!(d.fallback, "{d:?}");
        decisions.push(d);
    }
    let allowed = decisions.iter().filter(|d| d.allowed).count();
    assert_eq!(allowed, 10, "the same policy: 10 then refused");
    assert!(decisions[..10].iter().all(|d| d.allowed));
    let refused = decisions[11];
    assert_eq!((refused.limit, refused.remaining), (10, 0));
    assert!(refused.retry_after > Duration::ZERO && refused.retry_after <= Duration::from_secs(6));
    assert_eq!(
        calls.load(Ordering::Relaxed),
        12,
        "every fallback decision is reported"
    );
    assert!(limiter.is_degraded());

    // The whole suite holds in fallback too.
    rate_limiter_suite(&limiter, "suite:").await;
}

#[tokio::test]
async fn a_burst_during_an_outage_does_not_wait_on_redis() {
    let limiter = Arc::new(FallbackLimiter::new(
        RedisLimiter::connect_lazy(DEAD_REDIS, "").unwrap(),
        MemoryLimiter::new(),
    ));
    let started = Instant::now();
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let limiter = limiter.clone();
            tokio::spawn(async move { limiter.check(&format!("k{}", i % 7), &TEN_A_MINUTE).await })
        })
        .collect();
    for task in tasks {
        assert!(task.await.unwrap().fallback);
    }
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "200 decisions in {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn redis_limiter_alone_fails_fast_and_open() {
    let limiter = RedisLimiter::connect_lazy(DEAD_REDIS, "").unwrap();
    let started = Instant::now();
    assert!(limiter.try_check("k", &TEN_A_MINUTE).await.is_err());
    assert!(started.elapsed() < Duration::from_millis(500));
    let d = limiter.check("k", &TEN_A_MINUTE).await;
    assert!(d.allowed && d.fallback, "{d:?}");
}

#[tokio::test]
async fn redis_keys_expire_once_idle() {
    let prefix = format!("{}:", unique_name("ttl"));
    let limiter = RedisLimiter::connect_lazy(&redis_url(), prefix.clone()).unwrap();
    limiter.check("u", &TEN_A_MINUTE).await;
    let client = redis::Client::open(redis_url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let ttl: i64 = redis::cmd("PTTL")
        .arg(format!("{prefix}{{u}}:60"))
        .query_async(&mut conn)
        .await
        .unwrap();
    // One request on 10/min: TAT = now + 6 s, kept 1 s beyond.
    assert!((5_000..=7_000).contains(&ttl), "PTTL {ttl}");
}

/// A TCP proxy to the test Redis that can be switched off (dropping its connections) and on.
struct Proxy {
    url: String,
    up: Arc<std::sync::atomic::AtomicBool>,
    kill: tokio::sync::watch::Sender<u64>,
}

impl Proxy {
    async fn start() -> Self {
        let url = redis_url();
        let rest = url.trim_start_matches("redis://");
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let target = authority.rsplit('@').next().unwrap_or(authority).to_owned();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let (kill, _) = tokio::sync::watch::channel(0u64);
        let (flag, killer) = (up.clone(), kill.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !flag.load(Ordering::Acquire) {
                    continue; // dropped: the client sees the connection closed
                }
                let target = target.clone();
                let mut killed = killer.subscribe();
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = killed.changed() => {}
                    }
                });
            }
        });
        let prefix = authority
            .rsplit_once('@')
            .map(|(user, _)| format!("{user}@"))
            .unwrap_or_default();
        Self {
            url: format!("redis://{prefix}127.0.0.1:{port}/{path}"),
            up,
            kill,
        }
    }

    fn set_up(&self, up: bool) {
        self.up.store(up, Ordering::Release);
        if !up {
            self.kill.send_modify(|n| *n += 1);
        }
    }
}

#[tokio::test]
async fn fallback_goes_back_to_redis_when_it_returns() {
    let proxy = Proxy::start().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let limiter = FallbackLimiter::new(
        RedisLimiter::connect_lazy(&proxy.url, format!("{}:", unique_name("back"))).unwrap(),
        MemoryLimiter::new(),
    )
    .with_on_fallback(Arc::new(move || {
        counter.fetch_add(1, Ordering::Relaxed);
    }));

    let d = limiter.check("k", &TEN_A_MINUTE).await;
    assert!(!d.fallback && d.allowed, "Redis up: {d:?}");

    proxy.set_up(false);
    let mut fell_back = false;
    for _ in 0..20 {
        let started = Instant::now();
        let d = limiter.check("k", &TEN_A_MINUTE).await;
        assert!(
            started.elapsed() < Duration::from_millis(700),
            "{:?}",
            started.elapsed()
        );
        if d.fallback {
            fell_back = true;
            break;
        }
    }
    assert!(fell_back, "Redis down: the fallback decides");
    assert!(limiter.is_degraded());
    assert!(calls.load(Ordering::Relaxed) >= 1);

    // A busy key (leased batches) falls back as well.
    assert!(limiter.check("hot", &THOUSAND_AN_HOUR).await.fallback);

    proxy.set_up(true);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let d = limiter.check("k", &TEN_A_MINUTE).await;
        if !d.fallback {
            // Back on the shared state: the first request's slot is still counted there.
            assert!(d.remaining <= 8, "{d:?}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "Redis back: decisions return to it"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!limiter.is_degraded());
    let d = limiter.check("hot", &THOUSAND_AN_HOUR).await;
    assert!(d.allowed && !d.fallback, "{d:?}");
}

/// Large enough for leases: a batch cap of 1000 / 20 = 50.
const THOUSAND_AN_HOUR: [Limit; 1] = [Limit {
    window: Window::Hour,
    max: 1000,
}];

fn fallback_limiter(prefix: &str) -> FallbackLimiter {
    FallbackLimiter::new(
        RedisLimiter::connect_lazy(&redis_url(), prefix).unwrap(),
        MemoryLimiter::new(),
    )
}

#[tokio::test]
async fn a_leased_key_counts_exactly_on_one_instance_with_few_round_trips() {
    let limiter = fallback_limiter(&format!("{}:", unique_name("lease1")));
    // 100 per minute: batches of up to 5, T = 600 ms.
    let hundred = [Limit {
        window: Window::Minute,
        max: 100,
    }];
    for expected in (0..100).rev() {
        let d = limiter.check("hot", &hundred).await;
        assert!(d.allowed && !d.fallback, "{d:?}");
        assert_eq!((d.limit, d.remaining), (100, expected), "{d:?}");
    }
    let trips = limiter.redis_round_trips();
    assert!(
        trips <= 100 / 5 + 4,
        "{trips} round trips for 100 requests in batches of up to 5"
    );
    let refused = limiter.check("hot", &hundred).await;
    assert!(!refused.allowed && !refused.fallback, "{refused:?}");
    assert!(
        refused.retry_after > Duration::ZERO && refused.retry_after <= Duration::from_millis(600)
    );
    // Over its limit: refused here until Redis's wait is over, without asking Redis again.
    let trips = limiter.redis_round_trips();
    for _ in 0..50 {
        assert!(!limiter.check("hot", &hundred).await.allowed);
    }
    assert_eq!(
        limiter.redis_round_trips(),
        trips,
        "refusals were answered locally"
    );
    // The peek sees the same.
    assert!(!limiter.peek("hot", &hundred).await.allowed);
}

#[tokio::test]
async fn leasing_instances_never_exceed_one_combined_limit() {
    let prefix = format!("{}:", unique_name("lease2"));
    let instances = [
        Arc::new(fallback_limiter(&prefix)),
        Arc::new(fallback_limiter(&prefix)),
    ];
    let started = Instant::now();
    let mut tasks = Vec::new();
    for instance in &instances {
        for _ in 0..4 {
            let limiter = instance.clone();
            tasks.push(tokio::spawn(async move {
                let mut allowed = 0u32;
                for _ in 0..400 {
                    let d = limiter.check("shared", &THOUSAND_AN_HOUR).await;
                    assert!(!d.fallback, "{d:?}");
                    allowed += u32::from(d.allowed);
                }
                allowed
            }));
        }
    }
    let mut allowed = 0;
    for task in tasks {
        allowed += task.await.unwrap();
    }
    let elapsed_ms = started.elapsed().as_millis() as u32;
    // GCRA's bound over the run (the burst plus one per T = 3.6 s) plus the leases' bound
    // (⌊TTL / T⌋ + 1 = 1), whatever the number of instances.
    let most = 1000 + elapsed_ms / 3600 + 1;
    assert!(allowed <= most, "{allowed} allowed, at most {most}");
    // Nothing stranded for long: tokens still held are spent by the next requests.
    assert!(allowed >= 1000 - 2 * 49, "{allowed} allowed");
    let trips: u64 = instances.iter().map(|l| l.redis_round_trips()).sum();
    assert!(trips < 3200 / 4, "{trips} round trips for 3200 requests");
}

#[tokio::test]
async fn an_abandoned_batch_request_does_not_block_its_key() {
    let limiter = fallback_limiter(&format!("{}:", unique_name("lease3")));
    // Warm up so the script is loaded and the connection open.
    assert!(limiter.check("k", &THOUSAND_AN_HOUR).await.allowed);
    tokio::time::sleep(Duration::from_millis(600)).await;
    // A request dropped while its batch is in flight (a client that went away).
    let _ = tokio::time::timeout(
        Duration::from_micros(1),
        limiter.check("k", &THOUSAND_AN_HOUR),
    )
    .await;
    let started = Instant::now();
    let d = limiter.check("k", &THOUSAND_AN_HOUR).await;
    assert!(d.allowed && !d.fallback, "{d:?}");
    assert!(
        started.elapsed() < Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
}
