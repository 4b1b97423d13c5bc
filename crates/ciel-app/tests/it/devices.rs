//! `DeviceService` over Postgres: registration (blocked, upsert, linking and risk, decided in
//! the use case under the row lock) and listing (contract §2.12, §3.10).

use crate::{count, lit, now, setup, uow};
use chrono::Duration;
use ciel_app::DeviceService;
use ciel_domain::UserId;
use ciel_domain::ports::RegisterOutcome;
use ciel_storage::PgPool;
use ciel_storage::repos::PgDeviceRepo;
use std::sync::Arc;
use tokio::sync::Barrier;

/// The service over `pool`.
fn service(pool: PgPool) -> DeviceService {
    DeviceService::new(Arc::new(PgDeviceRepo::new(pool.clone())), uow(&pool))
}

/// A SHA-256-hex-shaped fingerprint hash ending in `tail`.
fn hash(tail: &str) -> String {
    format!("{tail:0>64}")
}

fn registered(risk_score: i32) -> RegisterOutcome {
    RegisterOutcome::Registered { risk_score }
}

#[tokio::test]
async fn a_first_anonymous_registration_stores_an_unlinked_device() {
    let (db, pool) = setup().await;
    let repo = service(pool);
    let now = now();

    let outcome = repo
        .register_hash(&hash("a1"), None, Some("Mozilla/5.0"), now)
        .await
        .unwrap();

    assert_eq!(outcome, registered(0));
    let row = format!(
        "device_fingerprints WHERE fingerprint_hash = '{}' AND user_ids = '{{}}' \
         AND account_count = 0 AND risk_score = 0 AND NOT is_blocked \
         AND user_agent = 'Mozilla/5.0' AND first_seen_at = {t} AND last_seen_at = {t} \
         AND updated_at = {t}",
        hash("a1"),
        t = lit(now)
    );
    assert_eq!(count(&db, &row).await, 1);

    // Again, later, without a user agent: seen again, the agent kept, nothing else.
    let later = now + Duration::minutes(5);
    let again = repo
        .register_hash(&hash("a1"), None, None, later)
        .await
        .unwrap();
    assert_eq!(again, registered(0));
    let row = format!(
        "device_fingerprints WHERE account_count = 0 AND user_agent = 'Mozilla/5.0' \
         AND first_seen_at = {} AND last_seen_at = {}",
        lit(now),
        lit(later)
    );
    assert_eq!(count(&db, &row).await, 1);
    assert_eq!(count(&db, "device_fingerprints").await, 1);
}

#[tokio::test]
async fn linking_raises_the_risk_by_the_count_before() {
    let (db, pool) = setup().await;
    let repo = service(pool);
    repo.register_hash(&hash("b1"), None, None, now())
        .await
        .unwrap();
    let users: Vec<UserId> = (0..7).map(|_| UserId::generate()).collect();

    let mut risks = Vec::new();
    for user in &users {
        match repo
            .register_hash(&hash("b1"), Some(*user), None, now())
            .await
            .unwrap()
        {
            RegisterOutcome::Registered { risk_score } => risks.push(risk_score),
            RegisterOutcome::Blocked => panic!("not blocked"),
        }
    }

    // Before: 0, 1, 2 → +5; 3, 4, 5 → +15; 6 → +30.
    assert_eq!(risks, [5, 10, 15, 30, 45, 60, 90]);
    let ids = users
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let row = format!(
        "device_fingerprints WHERE account_count = 7 AND risk_score = 90 \
         AND user_ids = '{{{ids}}}'::uuid[]"
    );
    assert_eq!(count(&db, &row).await, 1, "linked in order");

    // One more (7 before → +30) caps at 100.
    let capped = repo
        .register_hash(&hash("b1"), Some(UserId::generate()), None, now())
        .await
        .unwrap();
    assert_eq!(capped, registered(100));
}

#[tokio::test]
async fn relinking_the_same_user_changes_nothing_but_last_seen() {
    let (db, pool) = setup().await;
    let repo = service(pool);
    let ann = UserId::generate();
    let first = now();
    assert_eq!(
        repo.register_hash(&hash("c1"), Some(ann), Some("ua/1"), first)
            .await
            .unwrap(),
        registered(5)
    );

    let later = first + Duration::hours(1);
    let again = repo
        .register_hash(&hash("c1"), Some(ann), Some("ua/2"), later)
        .await
        .unwrap();

    assert_eq!(again, registered(5));
    let row = format!(
        "device_fingerprints WHERE account_count = 1 AND risk_score = 5 \
         AND user_ids = ARRAY['{ann}']::uuid[] AND user_agent = 'ua/2' \
         AND last_seen_at = {}",
        lit(later)
    );
    assert_eq!(count(&db, &row).await, 1);
    // Anonymous use of a linked device keeps the link.
    assert_eq!(
        repo.register_hash(&hash("c1"), None, None, later)
            .await
            .unwrap(),
        registered(5)
    );
    assert_eq!(repo.list(ann).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_blocked_device_is_refused_and_left_unchanged() {
    let (db, pool) = setup().await;
    let repo = service(pool);
    let ann = UserId::generate();
    let first = now();
    repo.register_hash(&hash("d1"), Some(ann), Some("ua/1"), first)
        .await
        .unwrap();
    db.run_sql(&format!(
        "UPDATE device_fingerprints SET is_blocked = true, block_reason = 'fraud', \
         blocked_at = now() WHERE fingerprint_hash = '{}'",
        hash("d1")
    ))
    .await;

    let later = first + Duration::hours(1);
    let outcome = repo
        .register_hash(&hash("d1"), Some(UserId::generate()), Some("ua/2"), later)
        .await
        .unwrap();

    assert_eq!(outcome, RegisterOutcome::Blocked);
    assert_eq!(
        repo.register_hash(&hash("d1"), None, None, later)
            .await
            .unwrap(),
        RegisterOutcome::Blocked
    );
    let unchanged = format!(
        "device_fingerprints WHERE is_blocked AND account_count = 1 AND risk_score = 5 \
         AND user_ids = ARRAY['{ann}']::uuid[] AND user_agent = 'ua/1' \
         AND last_seen_at = {t} AND updated_at = {t}",
        t = lit(first)
    );
    assert_eq!(count(&db, &unchanged).await, 1);
    let listed = repo.list(ann).await.unwrap();
    assert!(listed[0].is_blocked, "a linked user still sees it, blocked");
}

#[tokio::test]
async fn concurrent_registrations_link_every_user_once() {
    let (db, pool) = setup().await;
    let repo = Arc::new(service(pool));
    let users: Vec<UserId> = (0..5).map(|_| UserId::generate()).collect();
    let barrier = Arc::new(Barrier::new(users.len()));

    let tasks: Vec<_> = users
        .iter()
        .map(|user| {
            let (repo, barrier, user) = (repo.clone(), barrier.clone(), *user);
            tokio::spawn(async move {
                barrier.wait().await;
                repo.register_hash(&hash("e1"), Some(user), None, now())
                    .await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }

    // 5 + 5 + 5 + 15 + 15, whatever the order.
    let row = "device_fingerprints WHERE account_count = 5 AND risk_score = 45 \
               AND cardinality(user_ids) = 5";
    assert_eq!(count(&db, row).await, 1);
}

#[tokio::test]
async fn a_user_lists_only_linked_devices_most_recently_seen_first() {
    let (_db, pool) = setup().await;
    let repo = service(pool);
    let (ann, ben, carl) = (UserId::generate(), UserId::generate(), UserId::generate());
    let t0 = now();
    repo.register_hash(&hash("f1"), Some(ann), None, t0)
        .await
        .unwrap();
    repo.register_hash(&hash("f2"), Some(ben), None, t0)
        .await
        .unwrap();
    repo.register_hash(&hash("f2"), Some(ann), None, t0 + Duration::minutes(2))
        .await
        .unwrap();
    repo.register_hash(&hash("f3"), Some(ben), None, t0 + Duration::minutes(3))
        .await
        .unwrap();
    repo.register_hash(&hash("f4"), None, None, t0 + Duration::minutes(4))
        .await
        .unwrap();
    // Seen again later: f1 becomes the most recent of ann's.
    repo.register_hash(&hash("f1"), None, None, t0 + Duration::minutes(5))
        .await
        .unwrap();

    let listed = repo.list(ann).await.unwrap();

    let hashes: Vec<&str> = listed.iter().map(|d| d.fingerprint_hash.as_str()).collect();
    assert_eq!(hashes, [hash("f1"), hash("f2")]);
    assert_eq!(listed[0].last_seen_at, t0 + Duration::minutes(5));
    assert_eq!((listed[0].account_count, listed[0].risk_score), (1, 5));
    assert_eq!((listed[1].account_count, listed[1].risk_score), (2, 10));
    assert!(!listed[1].is_blocked);
    let bens: Vec<String> = repo
        .list(ben)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.fingerprint_hash)
        .collect();
    assert_eq!(bens, [hash("f3"), hash("f2")]);
    assert!(repo.list(carl).await.unwrap().is_empty());
}
