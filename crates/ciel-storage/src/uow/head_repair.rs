//! One batch of the followee-head repair (`MaintenanceStore::repair_followee_heads`): examine
//! the next follow edges of the window, try the head lock of each stale edge's followee (the
//! lock the head triggers take, migration 2026-12-02-000100), and set the stale heads of the
//! locked followees from their newest post — three statements, so the last one reads on a
//! snapshot taken after the locks were granted (it sees everything their previous holders
//! committed). It never waits: try-locks only, and `SKIP LOCKED` for the edge rows.

use crate::repos::errors::repo_error;
use chrono::Duration;
use ciel_domain::UserId;
use ciel_domain::ports::{FollowEdgeKey, HeadRepairBatch, RepoError};
use ciel_domain::time::Timestamp;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use std::collections::BTreeSet;
use uuid::Uuid;

/// The next `$5` edges created at or after `$1`, strictly after the key `($2, $3, $4)`, with
/// whether the stored head differs from the followee's newest post (walks
/// `follows_created_idx`; one `posts_owner_created_idx` descent per edge).
const EXAMINE: &str = "\
SELECT f.created_at, f.follower_id, f.followee_id,
       f.followee_head IS DISTINCT FROM
           (SELECT max(p.created_at) FROM posts p WHERE p.owner_id = f.followee_id) AS stale
  FROM follows f
 WHERE f.created_at >= $1
   AND (f.created_at, f.follower_id, f.followee_id) > ($2, $3, $4)
 ORDER BY f.created_at, f.follower_id, f.followee_id
 LIMIT $5";

/// The followees of `$1` whose head lock this transaction could take without waiting.
const TRY_LOCK: &str = "\
SELECT u.id AS followee_id FROM unnest($1::uuid[]) AS u(id) WHERE followee_head_try_lock(u.id)";

/// Sets the head of the edges `($1[i], $2[i])` that still differ from their followee's newest
/// post time, skipping edge rows another transaction has locked (being deleted, say).
const REPAIR: &str = "\
WITH edges AS (
    SELECT f.follower_id, f.followee_id
      FROM follows f
      JOIN unnest($1::uuid[], $2::uuid[]) AS e(follower_id, followee_id)
        ON f.follower_id = e.follower_id AND f.followee_id = e.followee_id
       FOR UPDATE OF f SKIP LOCKED
)
UPDATE follows f
   SET followee_head = h.head
  FROM edges e
 CROSS JOIN LATERAL (SELECT max(p.created_at) AS head
                       FROM posts p WHERE p.owner_id = e.followee_id) h
 WHERE f.follower_id = e.follower_id
   AND f.followee_id = e.followee_id
   AND f.followee_head IS DISTINCT FROM h.head";

#[derive(QueryableByName)]
struct Examined {
    #[diesel(sql_type = Timestamptz)]
    created_at: Timestamp,
    #[diesel(sql_type = SqlUuid)]
    follower_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    followee_id: Uuid,
    #[diesel(sql_type = Bool)]
    stale: bool,
}

#[derive(QueryableByName)]
struct Followee {
    #[diesel(sql_type = SqlUuid)]
    followee_id: Uuid,
}

/// One batch; see `MaintenanceStore::repair_followee_heads`.
pub(super) async fn repair_batch(
    conn: &mut AsyncPgConnection,
    since: Timestamp,
    after: Option<FollowEdgeKey>,
    limit: i64,
) -> Result<HeadRepairBatch, RepoError> {
    // Without a key, start just before the window: every edge of the window sorts after it.
    let (ts, follower, followee) = match after {
        Some(k) => (k.created_at, k.follower.as_uuid(), k.followee.as_uuid()),
        None => (since - Duration::microseconds(1), Uuid::nil(), Uuid::nil()),
    };
    let edges = diesel::sql_query(EXAMINE)
        .bind::<Timestamptz, _>(since)
        .bind::<Timestamptz, _>(ts)
        .bind::<SqlUuid, _>(follower)
        .bind::<SqlUuid, _>(followee)
        .bind::<BigInt, _>(limit)
        .load::<Examined>(conn)
        .await
        .map_err(repo_error)?;
    let last = edges.last().map(|e| FollowEdgeKey {
        created_at: e.created_at,
        follower: UserId::from(e.follower_id),
        followee: UserId::from(e.followee_id),
    });
    let stale: Vec<&Examined> = edges.iter().filter(|e| e.stale).collect();
    let mut batch = HeadRepairBatch {
        examined: edges.len() as u64,
        repaired: 0,
        skipped: stale.len() as u64,
        last,
    };
    if stale.is_empty() {
        return Ok(batch);
    }
    let followees: Vec<Uuid> = stale
        .iter()
        .map(|e| e.followee_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let locked: BTreeSet<Uuid> = diesel::sql_query(TRY_LOCK)
        .bind::<Array<SqlUuid>, _>(followees)
        .load::<Followee>(conn)
        .await
        .map_err(repo_error)?
        .into_iter()
        .map(|f| f.followee_id)
        .collect();
    let (followers, followees): (Vec<Uuid>, Vec<Uuid>) = stale
        .iter()
        .filter(|e| locked.contains(&e.followee_id))
        .map(|e| (e.follower_id, e.followee_id))
        .unzip();
    if followers.is_empty() {
        return Ok(batch);
    }
    let repaired = diesel::sql_query(REPAIR)
        .bind::<Array<SqlUuid>, _>(followers)
        .bind::<Array<SqlUuid>, _>(followees)
        .execute(conn)
        .await
        .map_err(repo_error)? as u64;
    batch.repaired = repaired;
    batch.skipped -= repaired;
    Ok(batch)
}
