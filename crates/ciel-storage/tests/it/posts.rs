//! Posts in storage: the one SQL visibility predicate agrees with the domain rule over every
//! combination of facts (single read and list alike), and searches use the trigram indexes.

use ciel_domain::ports::{Tx, TxWork, UnitOfWork};
use ciel_domain::search::SearchTerm;
use ciel_domain::visibility::{PostVisibility, Relation, post_visible};
use ciel_domain::{PageRequest, PostId, UserId};
use ciel_storage::uow::{explain_post_search, explain_user_search};
use ciel_storage::{PgUnitOfWork, PoolSettings, connect_pool};
use ciel_testkit::TestDb;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use std::sync::{Arc, Mutex};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Viewer {
    Anonymous,
    Owner,
    Other,
}

/// One combination of facts, its rows and the domain's verdict.
#[derive(Debug)]
struct Case {
    viewer: Option<Uuid>,
    owner: Uuid,
    post: Uuid,
    relation: Relation,
    visibility: PostVisibility,
    expected: bool,
}

fn bools() -> [bool; 2] {
    [false, true]
}

/// Every combination: for anonymous callers and owners the edges do not apply (no edge with
/// oneself; anonymous callers have none), for other viewers every edge each way.
fn cases(sql: &mut String) -> Vec<Case> {
    let mut out = Vec::new();
    let mut n = 0;
    for kind in [Viewer::Anonymous, Viewer::Owner, Viewer::Other] {
        let edges: Vec<[bool; 4]> = if kind == Viewer::Other {
            let mut all = Vec::new();
            for a in bools() {
                for b in bools() {
                    for c in bools() {
                        for d in bools() {
                            all.push([a, b, c, d]);
                        }
                    }
                }
            }
            all
        } else {
            vec![[false; 4]]
        };
        for [follows, followed_back, blocks, blocked_by] in edges {
            for deleted in bools() {
                for visibility in [PostVisibility::Public, PostVisibility::FollowersOnly] {
                    n += 1;
                    let owner = Uuid::new_v4();
                    let post = Uuid::new_v4();
                    let deleted_at = if deleted { "now()" } else { "NULL" };
                    sql.push_str(&format!(
                        "INSERT INTO users (id, handle, email, display_name, deleted_at) \
                         VALUES ('{owner}', 'o{n}', 'o{n}@example.com', 'O', {deleted_at});\n"
                    ));
                    let vis = match visibility {
                        PostVisibility::Public => "public",
                        PostVisibility::FollowersOnly => "followers_only",
                    };
                    sql.push_str(&format!(
                        "INSERT INTO posts (id, owner_id, caption, visibility) \
                         VALUES ('{post}', '{owner}', 'c', '{vis}');\n"
                    ));
                    let viewer = match kind {
                        Viewer::Anonymous => None,
                        Viewer::Owner => Some(owner),
                        Viewer::Other => {
                            let v = Uuid::new_v4();
                            sql.push_str(&format!(
                                "INSERT INTO users (id, handle, email, display_name) \
                                 VALUES ('{v}', 'v{n}', 'v{n}@example.com', 'V');\n"
                            ));
                            let edge = |table: &str, cols: &str, a: Uuid, b: Uuid| {
                                format!("INSERT INTO {table} ({cols}) VALUES ('{a}', '{b}');\n")
                            };
                            if follows {
                                sql.push_str(&edge(
                                    "follows",
                                    "follower_id, followee_id",
                                    v,
                                    owner,
                                ));
                            }
                            if followed_back {
                                sql.push_str(&edge(
                                    "follows",
                                    "follower_id, followee_id",
                                    owner,
                                    v,
                                ));
                            }
                            if blocks {
                                sql.push_str(&edge("blocks", "blocker_id, blocked_id", v, owner));
                            }
                            if blocked_by {
                                sql.push_str(&edge("blocks", "blocker_id, blocked_id", owner, v));
                            }
                            Some(v)
                        }
                    };
                    let relation = Relation {
                        authenticated: kind != Viewer::Anonymous,
                        is_owner: kind == Viewer::Owner,
                        viewer_follows_owner: follows,
                        owner_follows_viewer: followed_back,
                        blocked_either_way: blocks || blocked_by,
                        owner_deleted: deleted,
                    };
                    out.push(Case {
                        viewer,
                        owner,
                        post,
                        relation,
                        visibility,
                        expected: post_visible(&relation, visibility),
                    });
                }
            }
        }
    }
    out
}

#[tokio::test]
async fn the_sql_predicate_agrees_with_the_domain_rule_everywhere() {
    let db = TestDb::migrated().await;
    let mut sql = String::new();
    let cases = cases(&mut sql);
    assert_eq!(cases.len(), 4 + 4 + 64);
    assert!(cases.iter().any(|c| c.expected) && cases.iter().any(|c| !c.expected));
    db.run_sql(&sql).await;
    let uow = PgUnitOfWork::new(connect_pool(db.url(), &PoolSettings::default()).unwrap());
    let mismatches: Arc<Mutex<Vec<String>>> = Arc::default();
    let out = mismatches.clone();
    let work: TxWork = Box::new(move |tx: &mut dyn Tx| {
        Box::pin(async move {
            for case in &cases {
                let viewer = case.viewer.map(UserId::from);
                let post = PostId::from(case.post);
                let read = tx.visible_post_owner(viewer, post).await?;
                let listed = tx
                    .user_post_keys(UserId::from(case.owner), viewer, PageRequest::default())
                    .await?
                    .iter()
                    .any(|k| k.id == post);
                if read.is_some() != case.expected || listed != case.expected {
                    out.lock().unwrap().push(format!(
                        "{:?} {:?}: read {} listed {} expected {}",
                        case.relation,
                        case.visibility,
                        read.is_some(),
                        listed,
                        case.expected
                    ));
                }
                if let Some(owner) = read {
                    assert_eq!(owner, UserId::from(case.owner));
                }
            }
            Ok(())
        })
    });
    uow.connection(work).await.unwrap();
    let mismatches = mismatches.lock().unwrap();
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}

/// 100 000 users and as many posts (bulk SQL, enough that the planner prefers the trigram
/// indexes to a sequential scan), a few that match, statistics refreshed.
async fn bulk(db: &TestDb) -> Uuid {
    let viewer = Uuid::new_v4();
    db.run_sql(&format!(
        "INSERT INTO users (handle, email, display_name, created_at) \
           SELECT 'user_' || g, 'user_' || g || '@example.com', 'Person ' || g, \
                  now() - g * interval '1 second' FROM generate_series(1, 100000) g; \
         INSERT INTO users (id, handle, email, display_name) \
           VALUES ('{viewer}', 'viewer', 'viewer@example.com', 'Viewer'); \
         INSERT INTO users (handle, email, display_name) VALUES \
           ('zebracorn_fan', 'z1@example.com', 'Z'), ('zz', 'z2@example.com', 'Big Zebracorn'), \
           ('gone_zebracorn', 'z3@example.com', 'Gone'); \
         UPDATE users SET deleted_at = now() WHERE handle = 'gone_zebracorn'; \
         INSERT INTO posts (owner_id, caption, created_at) \
           SELECT u.id, 'sunset at the beach number ' || u.handle, u.created_at \
           FROM users u WHERE u.handle LIKE 'user\\_%'; \
         INSERT INTO posts (owner_id, caption) \
           SELECT id, 'my ZEBRACORN picture' FROM users WHERE handle = 'zz'; \
         INSERT INTO posts (owner_id, caption) \
           SELECT id, '100% zebracorn_' FROM users WHERE handle = 'zebracorn_fan'; \
         ANALYZE users; ANALYZE posts;"
    ))
    .await;
    viewer
}

#[tokio::test]
async fn searches_use_the_trigram_indexes_and_match_literally() {
    let db = TestDb::migrated().await;
    let viewer = UserId::from(bulk(&db).await);
    let mut conn = AsyncPgConnection::establish(db.url()).await.unwrap();
    let term = SearchTerm::parse(Some("zebracorn")).unwrap();

    let plan = explain_post_search(&mut conn, &term, viewer)
        .await
        .unwrap()
        .join("\n");
    assert!(plan.contains("posts_caption_trgm_idx"), "{plan}");
    let plan = explain_user_search(&mut conn, &term)
        .await
        .unwrap()
        .join("\n");
    assert!(plan.contains("users_handle_trgm_idx"), "{plan}");
    assert!(plan.contains("users_display_name_trgm_idx"), "{plan}");

    let uow = PgUnitOfWork::new(connect_pool(db.url(), &PoolSettings::default()).unwrap());
    let found: Arc<Mutex<Vec<String>>> = Arc::default();
    let shared = found.clone();
    let work: TxWork = Box::new(move |tx: &mut dyn Tx| {
        Box::pin(async move {
            let mut out = Vec::new();
            for q in ["zebracorn", "ZEBRAcorn", "100%", "n_", "% z"] {
                let term = SearchTerm::parse(Some(q)).unwrap();
                let users = tx.search_users(&term, PageRequest::default()).await?;
                let mut handles: Vec<String> = users.into_iter().map(|u| u.handle).collect();
                handles.sort();
                let posts = tx
                    .search_post_keys(&term, viewer, PageRequest::default())
                    .await?;
                let ids: Vec<PostId> = posts.iter().map(|k| k.id).collect();
                let captions: Vec<String> = {
                    let mut c: Vec<String> = tx
                        .load_posts(&ids)
                        .await?
                        .into_iter()
                        .filter_map(|p| p.caption)
                        .collect();
                    c.sort();
                    c
                };
                out.push(format!("{q}: users {handles:?} posts {captions:?}"));
            }
            *shared.lock().unwrap() = out;
            Ok(())
        })
    });
    uow.connection(work).await.unwrap();
    let found = found.lock().unwrap().clone();
    assert_eq!(
        found,
        [
            r#"zebracorn: users ["zebracorn_fan", "zz"] posts ["100% zebracorn_", "my ZEBRACORN picture"]"#,
            r#"ZEBRAcorn: users ["zebracorn_fan", "zz"] posts ["100% zebracorn_", "my ZEBRACORN picture"]"#,
            r#"100%: users [] posts ["100% zebracorn_"]"#,
            r#"n_: users ["zebracorn_fan"] posts ["100% zebracorn_"]"#,
            r#"% z: users [] posts ["100% zebracorn_"]"#,
        ]
    );
}

#[tokio::test]
async fn loaded_posts_carry_their_owner_and_media_in_position_order() {
    let db = TestDb::migrated().await;
    let (owner, bare, with_media) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    db.run_sql(&format!(
        "INSERT INTO users (id, handle, email, display_name, avatar_key) \
           VALUES ('{owner}', 'loader', 'loader@example.com', 'Lo Ader', 'avatars/a.jpg'); \
         INSERT INTO posts (id, owner_id, caption) VALUES ('{bare}', '{owner}', NULL), \
           ('{with_media}', '{owner}', 'three photos');"
    ))
    .await;
    let mut media = Vec::new();
    for _ in 0..3 {
        media.push(db.completed_media(&owner.to_string()).await);
    }
    // Inserted out of position order, so only the ORDER BY can give them back in it.
    for (media_id, position) in [(&media[2], 2), (&media[0], 0), (&media[1], 1)] {
        db.run_sql(&format!(
            "INSERT INTO post_media (post_id, media_id, position) \
             VALUES ('{with_media}', '{media_id}', {position})"
        ))
        .await;
    }

    let uow = PgUnitOfWork::new(connect_pool(db.url(), &PoolSettings::default()).unwrap());
    let loaded: Arc<Mutex<Vec<ciel_domain::posts::Post>>> = Arc::default();
    let out = loaded.clone();
    let ids = [
        PostId::from(with_media),
        PostId::generate(),
        PostId::from(bare),
    ];
    let work: TxWork = Box::new(move |tx: &mut dyn Tx| {
        Box::pin(async move {
            *out.lock().unwrap() = tx.load_posts(&ids).await?;
            Ok(())
        })
    });
    uow.connection(work).await.unwrap();
    let mut posts = loaded.lock().unwrap().clone();
    posts.sort_by_key(|p| p.caption.is_some());
    assert_eq!(posts.len(), 2, "the unknown id is left out: {posts:?}");
    let (bare_post, media_post) = (&posts[0], &posts[1]);
    assert_eq!(bare_post.id, PostId::from(bare));
    assert!(bare_post.media_ids.is_empty());
    assert_eq!(media_post.id, PostId::from(with_media));
    let got: Vec<String> = media_post
        .media_ids
        .iter()
        .map(|m| m.as_uuid().to_string())
        .collect();
    assert_eq!(got, media, "media in position order");
    for post in &posts {
        assert_eq!(post.owner_id, UserId::from(owner));
        assert_eq!(post.owner_handle.as_deref(), Some("loader"));
        assert_eq!(post.owner_display_name.as_deref(), Some("Lo Ader"));
        assert_eq!(post.owner_avatar_key.as_deref(), Some("avatars/a.jpg"));
    }
}
