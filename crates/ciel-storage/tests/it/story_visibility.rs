//! The story-visibility SQL predicate agrees with `ciel_domain::visibility::story_visible` over
//! every combination of facts: follows each way, blocks each way, deleted owner, anonymous
//! viewer, the owner, each visibility value, and expiry before, at and after `now`. The
//! single read, the user's story list and the stories feed all use it.

use chrono::{Duration, Utc};
use ciel_domain::ports::{Tx, TxWork, UnitOfWork};
use ciel_domain::time::{Timestamp, to_db_precision};
use ciel_domain::visibility::{Relation, StoryVisibility, story_visible};
use ciel_domain::{PageLimit, PageRequest, StoryId, UserId};
use ciel_storage::{PgUnitOfWork, PoolSettings, connect_pool};
use ciel_testkit::TestDb;
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

#[derive(Clone, Copy, Debug)]
struct Case {
    owner: Uuid,
    viewer: Uuid,
    story: Uuid,
    relation: Relation,
    viewer_blocks: bool,
    owner_blocks: bool,
    visibility: StoryVisibility,
    expires_at: Timestamp,
}

fn db_visibility(v: StoryVisibility) -> &'static str {
    match v {
        StoryVisibility::Public => "public",
        StoryVisibility::FriendsOnly => "friends_only",
        StoryVisibility::CloseFriendsOnly => "close_friends_only",
    }
}

/// Every combination of facts, with fresh users and one story per case.
fn cases(now: Timestamp) -> Vec<Case> {
    let bools = [false, true];
    let visibilities = [
        StoryVisibility::Public,
        StoryVisibility::FriendsOnly,
        StoryVisibility::CloseFriendsOnly,
    ];
    let expiries = [now - Duration::seconds(1), now, now + Duration::seconds(1)];
    let mut out = Vec::new();
    for is_owner in bools {
        for follows in bools {
            for followed in bools {
                for blocks in bools {
                    for blocked in bools {
                        for owner_deleted in bools {
                            for visibility in visibilities {
                                for expires_at in expiries {
                                    // One cannot follow or block oneself.
                                    if is_owner && (follows || followed || blocks || blocked) {
                                        continue;
                                    }
                                    let owner = Uuid::new_v4();
                                    let viewer = if is_owner { owner } else { Uuid::new_v4() };
                                    out.push(Case {
                                        owner,
                                        viewer,
                                        story: Uuid::new_v4(),
                                        relation: Relation {
                                            authenticated: true,
                                            is_owner,
                                            viewer_follows_owner: follows,
                                            owner_follows_viewer: followed,
                                            blocked_either_way: blocks || blocked,
                                            owner_deleted,
                                        },
                                        viewer_blocks: blocks,
                                        owner_blocks: blocked,
                                        visibility,
                                        expires_at,
                                    });
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

fn user_sql(sql: &mut String, id: Uuid, deleted: bool) {
    let handle = format!("u{}", id.simple());
    let deleted = if deleted { "now()" } else { "NULL" };
    writeln!(
        sql,
        "INSERT INTO users (id, handle, email, display_name, deleted_at) VALUES ('{id}', '{handle}', '{handle}@example.com', '{handle}', {deleted});"
    )
    .unwrap();
}

fn fixtures(cases: &[Case], now: Timestamp) -> String {
    let mut sql = String::new();
    for case in cases {
        let (o, v) = (case.owner, case.viewer);
        user_sql(&mut sql, o, case.relation.owner_deleted);
        if !case.relation.is_owner {
            user_sql(&mut sql, v, false);
        }
        let media = Uuid::new_v4();
        writeln!(
            sql,
            "INSERT INTO media (id, owner_id, original_key, thumb_key, medium_key, width, height, bytes) VALUES ('{media}', '{o}', 'o', 't', 'm', 1, 1, 1);"
        )
        .unwrap();
        writeln!(
            sql,
            "INSERT INTO stories (id, user_id, media_id, visibility, created_at, expires_at) VALUES ('{}', '{o}', '{media}', '{}', '{}', '{}');",
            case.story,
            db_visibility(case.visibility),
            (now - Duration::hours(1)).to_rfc3339(),
            case.expires_at.to_rfc3339(),
        )
        .unwrap();
        if case.relation.viewer_follows_owner {
            writeln!(
                sql,
                "INSERT INTO follows (follower_id, followee_id) VALUES ('{v}', '{o}');"
            )
            .unwrap();
        }
        if case.relation.owner_follows_viewer {
            writeln!(
                sql,
                "INSERT INTO follows (follower_id, followee_id) VALUES ('{o}', '{v}');"
            )
            .unwrap();
        }
        if case.viewer_blocks {
            writeln!(
                sql,
                "INSERT INTO blocks (blocker_id, blocked_id) VALUES ('{v}', '{o}');"
            )
            .unwrap();
        }
        if case.owner_blocks {
            writeln!(
                sql,
                "INSERT INTO blocks (blocker_id, blocked_id) VALUES ('{o}', '{v}');"
            )
            .unwrap();
        }
    }
    sql
}

#[tokio::test]
async fn the_sql_predicate_matches_the_domain_rule_for_every_combination() {
    let db = TestDb::migrated().await;
    let now = to_db_precision(Utc::now());
    let cases = cases(now);
    assert_eq!(cases.len(), 2 * 2 * 2 * 2 * 2 * 3 * 3 + 2 * 3 * 3);
    db.run_sql(&fixtures(&cases, now)).await;

    let uow = PgUnitOfWork::new(connect_pool(db.url(), &PoolSettings::default()).unwrap());
    let mismatches: Arc<Mutex<Vec<String>>> = Arc::default();
    let found = mismatches.clone();
    let checked = cases.clone();
    let work: TxWork = Box::new(move |tx: &mut dyn Tx| {
        Box::pin(async move {
            let page = PageRequest {
                limit: PageLimit::parse(Some(200)).unwrap(),
                after: None,
            };
            let mut bad = Vec::new();
            for case in &checked {
                let (story, viewer, owner) = (
                    StoryId::from(case.story),
                    UserId::from(case.viewer),
                    UserId::from(case.owner),
                );
                let expected = story_visible(&case.relation, case.visibility, case.expires_at, now);
                let single = tx.visible_story(Some(viewer), story, now).await?.is_some();
                let listed = tx
                    .user_stories(viewer, owner, page, now)
                    .await?
                    .items
                    .iter()
                    .any(|s| s.id == story);
                let in_feed = tx
                    .stories_feed(viewer, page, now)
                    .await?
                    .items
                    .iter()
                    .any(|s| s.id == story);
                let feed_expected = expected && case.relation.viewer_follows_owner;
                if single != expected || listed != expected || in_feed != feed_expected {
                    bad.push(format!(
                        "{case:?}: expected {expected} (feed {feed_expected}), got read {single}, list {listed}, feed {in_feed}"
                    ));
                }
                // Anonymous callers never see a story.
                let anonymous = Relation {
                    authenticated: false,
                    is_owner: false,
                    viewer_follows_owner: false,
                    owner_follows_viewer: false,
                    blocked_either_way: false,
                    owner_deleted: case.relation.owner_deleted,
                };
                let anon_expected =
                    story_visible(&anonymous, case.visibility, case.expires_at, now);
                let anon = tx.visible_story(None, story, now).await?.is_some();
                if anon != anon_expected {
                    bad.push(format!(
                        "{case:?}: anonymous expected {anon_expected}, got {anon}"
                    ));
                }
            }
            *found.lock().unwrap() = bad;
            Ok(())
        })
    });
    uow.connection(work).await.unwrap();
    let bad = mismatches.lock().unwrap();
    assert!(
        bad.is_empty(),
        "{} mismatches:\n{}",
        bad.len(),
        bad.join("\n")
    );
    // The domain rule is not trivially false: some cases are visible, some are not.
    let visible = cases
        .iter()
        .filter(|c| story_visible(&c.relation, c.visibility, c.expires_at, now))
        .count();
    assert!(visible > 0 && visible < cases.len());
}
