//! `FeedStore::first_page_keys_if_active`: the first page of a viewer whose account is still to
//! be checked equals the plain first page for every active viewer — whether the timeline
//! answers it, the timeline is empty, or the merge has to answer below a horizon — and is
//! refused (`None`) for a banned, soft-deleted or unknown viewer, timeline rows or not.

use super::feed_heads::{at, follow_sql, lit, post, user};
use chrono::{DateTime, Utc};
use ciel_domain::UserId;
use ciel_domain::ports::{Tx, TxWork, UnitOfWork};
use ciel_storage::{PgUnitOfWork, PoolSettings, connect_pool};
use ciel_testkit::TestDb;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// A first page's keys, `(id, created_at)` in order.
type Keys = Vec<(Uuid, DateTime<Utc>)>;

/// The plain first page (`None` in the first slot) and the checked one of `viewer`.
async fn both_first_pages(
    uow: &PgUnitOfWork,
    viewer: Uuid,
    fetch: i64,
    now: DateTime<Utc>,
) -> (Keys, Option<Keys>) {
    let out: Arc<Mutex<(Keys, Option<Keys>)>> = Arc::default();
    let slot = out.clone();
    let work: TxWork = Box::new(move |tx: &mut dyn Tx| {
        Box::pin(async move {
            let viewer = UserId::from(viewer);
            let keys = |k: Vec<ciel_domain::posts::PostKey>| -> Keys {
                k.iter().map(|k| (k.id.as_uuid(), k.created_at)).collect()
            };
            let plain = keys(tx.home_feed_keys(viewer, None, fetch).await?);
            let checked = tx
                .first_page_keys_if_active(viewer, fetch, now)
                .await?
                .map(keys);
            *slot.lock().unwrap() = (plain, checked);
            Ok(())
        })
    });
    uow.connection(work).await.unwrap();
    std::mem::take(&mut *out.lock().unwrap())
}

async fn ban_until(db: &TestDb, user: Uuid, until: DateTime<Utc>) {
    db.run_sql(&format!(
        "INSERT INTO user_trust_scores (user_id, banned_until) VALUES ('{user}', {until}) \
         ON CONFLICT (user_id) DO UPDATE SET banned_until = EXCLUDED.banned_until",
        until = lit(until)
    ))
    .await;
}

#[tokio::test]
async fn a_checked_first_page_equals_the_plain_one_for_active_viewers_and_refuses_the_rest() {
    let db = TestDb::migrated().await;
    let uow = PgUnitOfWork::new(connect_pool(db.url(), &PoolSettings::default()).unwrap());
    let now = at(10_000);
    let author = user(&db, "author").await;
    for minute in 1..=6 {
        post(&db, author, at(minute * 60)).await;
    }
    // Two rows kept for `trimmed`: its horizon rises, and a page of four needs the merge.
    let trimmed = user(&db, "trimmed").await;
    db.run_sql(&follow_sql(trimmed, author)).await;
    db.run_sql("SELECT * FROM home_timeline_trim(NULL, 100, 2)")
        .await;
    let mut readers = Vec::new();
    for handle in ["ann", "banned", "deleted", "expired"] {
        let reader = user(&db, handle).await;
        db.run_sql(&follow_sql(reader, author)).await;
        readers.push(reader);
    }
    let [ann, banned, deleted, expired] = readers[..] else {
        unreachable!()
    };
    let lonely = user(&db, "lonely").await;
    ban_until(&db, banned, now + chrono::Duration::days(7)).await;
    ban_until(&db, expired, now - chrono::Duration::minutes(1)).await;
    db.run_sql(&format!(
        "UPDATE users SET deleted_at = {} WHERE id = '{deleted}'",
        lit(at(9_000))
    ))
    .await;

    for (viewer, fetch, rows) in [
        (ann, 4, 4),
        (ann, 31, 6),
        (expired, 31, 6),
        (trimmed, 4, 4),
        (trimmed, 31, 6),
        (lonely, 31, 0),
    ] {
        let (plain, checked) = both_first_pages(&uow, viewer, fetch, now).await;
        assert_eq!(plain.len(), rows, "plain first page of {fetch} keys");
        assert_eq!(checked, Some(plain), "checked first page of {fetch} keys");
    }
    for viewer in [banned, deleted, Uuid::new_v4()] {
        let (_, checked) = both_first_pages(&uow, viewer, 31, now).await;
        assert_eq!(checked, None, "an inactive viewer is refused");
    }
    // The ban ends: the same viewer reads its page.
    let (plain, checked) =
        both_first_pages(&uow, banned, 31, now + chrono::Duration::days(8)).await;
    assert_eq!(plain.len(), 6);
    assert_eq!(checked, Some(plain));
}
