//! The audit, as queries: every acknowledged write in the [`Ledger`] is looked up in Postgres;
//! every completed upload has exactly one media row whose three objects exist in S3 and exactly
//! one set of derivatives on disk; no upload is left outside a terminal state after a grace
//! period; the job outbox is empty; the dead-letter queue holds exactly the injected poison.

use super::client::lock;
use super::cluster::Cluster;
use super::ledger::Ledger;
use super::poison::Poison;
use anyhow::{Context, Result};
use diesel::QueryableByName;
use diesel::sql_types::Text;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long uploads may take to reach a terminal state after the load stops.
const GRACE: Duration = Duration::from_secs(120);

/// One audit check.
pub struct Check {
    /// What was checked.
    pub name: String,
    /// Whether it held.
    pub ok: bool,
    /// Counts, or the first offending ids.
    pub detail: String,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    v: String,
}

async fn texts(conn: &mut AsyncPgConnection, sql: &str) -> Result<Vec<String>> {
    Ok(diesel::sql_query(sql)
        .load::<Row>(conn)
        .await
        .with_context(|| format!("audit query failed: {sql:.300}"))?
        .into_iter()
        .map(|r| r.v)
        .collect())
}

/// `ARRAY['…',…]::uuid[]` (ids are parsed UUIDs: nothing to escape).
fn arr(ids: impl IntoIterator<Item = Uuid>) -> String {
    let items: Vec<String> = ids.into_iter().map(|id| format!("'{id}'")).collect();
    format!("ARRAY[{}]::uuid[]", items.join(","))
}

fn check(name: &str, total: usize, bad: &[String]) -> Check {
    Check {
        name: name.to_owned(),
        ok: bad.is_empty(),
        detail: if bad.is_empty() {
            format!("{total} checked, all hold")
        } else {
            format!(
                "{} of {total} wrong, e.g. {}",
                bad.len(),
                bad.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
            )
        },
    }
}

/// Runs every check.
pub async fn run(cluster: &Cluster, ledger: &Ledger, poison: &Poison) -> Result<Vec<Check>> {
    let url = cluster.service_var("DATABASE_URL")?;
    let mut conn = AsyncPgConnection::establish(&url)
        .await
        .context("connecting for the audit")?;
    let mut checks = Vec::new();

    // Uploads first: wait for the pipeline to drain.
    let started = Instant::now();
    let open = loop {
        let open = texts(
            &mut conn,
            "SELECT id::text AS v FROM media_uploads WHERE status IN ('uploaded', 'processing')",
        )
        .await?;
        if open.is_empty() || started.elapsed() > GRACE {
            break open;
        }
        println!(
            "soak: audit: waiting for {} upload(s) to finish ({:.0} s)",
            open.len(),
            started.elapsed().as_secs_f64()
        );
        tokio::time::sleep(Duration::from_secs(3)).await;
    };
    checks.push(Check {
        name: format!(
            "no upload left uploaded/processing after {:.0} s",
            started.elapsed().as_secs_f64()
        ),
        ok: open.is_empty(),
        detail: if open.is_empty() {
            "none open".to_owned()
        } else {
            format!(
                "{} open, e.g. {}",
                open.len(),
                open.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
            )
        },
    });

    let users = lock(&ledger.users).clone();
    let bad = texts(
        &mut conn,
        &format!(
            "SELECT x::text AS v FROM unnest({}) x WHERE NOT EXISTS \
             (SELECT 1 FROM users u WHERE u.id = x AND u.deleted_at IS NULL)",
            arr(users.iter().copied())
        ),
    )
    .await?;
    checks.push(check("acknowledged sign-ups are users", users.len(), &bad));

    let follows = lock(&ledger.follows).clone();
    let bad = texts(
        &mut conn,
        &format!(
            "SELECT a::text || '->' || b::text AS v FROM unnest({}, {}) AS t(a, b) WHERE NOT EXISTS \
             (SELECT 1 FROM follows f WHERE f.follower_id = a AND f.followee_id = b)",
            arr(follows.iter().map(|f| f.0)),
            arr(follows.iter().map(|f| f.1))
        ),
    )
    .await?;
    checks.push(check("acknowledged follows are edges", follows.len(), &bad));

    let posts = lock(&ledger.posts).clone();
    let mut bad = Vec::new();
    if !posts.is_empty() {
        let values: Vec<String> = posts
            .iter()
            .map(|p| {
                format!(
                    "('{}'::uuid, '{}'::uuid, {})",
                    p.id,
                    p.owner,
                    arr(p.media.iter().copied())
                )
            })
            .collect();
        bad = texts(
            &mut conn,
            &format!(
                "SELECT t.p::text AS v FROM (VALUES {}) AS t(p, o, m) WHERE NOT EXISTS \
                 (SELECT 1 FROM posts WHERE id = t.p AND owner_id = t.o) \
                 OR t.m IS DISTINCT FROM \
                 (SELECT array_agg(media_id ORDER BY position) FROM post_media WHERE post_id = t.p)",
                values.join(",")
            ),
        )
        .await?;
    }
    checks.push(check(
        "acknowledged posts exist with their media in order",
        posts.len(),
        &bad,
    ));

    let likes = lock(&ledger.likes).clone();
    let bad = texts(
        &mut conn,
        &format!(
            "SELECT a::text || ' likes ' || b::text AS v FROM unnest({}, {}) AS t(a, b) WHERE NOT EXISTS \
             (SELECT 1 FROM likes l WHERE l.user_id = a AND l.post_id = b)",
            arr(likes.iter().map(|l| l.0)),
            arr(likes.iter().map(|l| l.1))
        ),
    )
    .await?;
    checks.push(check("acknowledged likes are rows", likes.len(), &bad));

    let comments = lock(&ledger.comments).clone();
    let bad = texts(
        &mut conn,
        &format!(
            "SELECT a::text AS v FROM unnest({}, {}) AS t(a, b) WHERE NOT EXISTS \
             (SELECT 1 FROM comments c WHERE c.id = a AND c.post_id = b)",
            arr(comments.iter().map(|c| c.0)),
            arr(comments.iter().map(|c| c.1))
        ),
    )
    .await?;
    checks.push(check(
        "acknowledged comments are rows",
        comments.len(),
        &bad,
    ));

    let uploads = lock(&ledger.uploads).clone();
    let ids = arr(uploads.iter().map(|u| u.id));
    let bad = texts(
        &mut conn,
        &format!(
            "SELECT u::text || ' ' || coalesce(m.status::text, 'missing') AS v FROM unnest({ids}, {}) AS t(u, o) \
             LEFT JOIN media_uploads m ON m.id = u AND m.owner_id = o WHERE m.status IS DISTINCT FROM 'completed'",
            arr(uploads.iter().map(|u| u.owner))
        ),
    )
    .await?;
    checks.push(check(
        "acknowledged uploads completed (valid photos)",
        uploads.len(),
        &bad,
    ));

    let bad = texts(
        &mut conn,
        &format!(
            "SELECT mu.id::text || ' has ' || count(md.id) || ' media row(s)' AS v FROM media_uploads mu \
             LEFT JOIN media md ON md.original_key LIKE 'media/' || mu.owner_id || '/' || mu.id || '/%' \
             WHERE mu.id = ANY({ids}) AND mu.status = 'completed' GROUP BY mu.id, mu.processed_media_id \
             HAVING count(md.id) <> 1 OR NOT bool_or(md.id = mu.processed_media_id)"
        ),
    )
    .await?;
    checks.push(check(
        "one media row per completed upload, the one it names",
        uploads.len(),
        &bad,
    ));

    let bad = texts(
        &mut conn,
        "SELECT split_part(original_key, '/', 3) AS v FROM media GROUP BY 1 HAVING count(*) > 1",
    )
    .await?;
    let all_media = texts(&mut conn, "SELECT count(*)::text AS v FROM media").await?;
    checks.push(check(
        "no upload has two media rows (whole table)",
        <[String]>::first(&all_media)
            .and_then(|n| n.parse().ok())
            .unwrap_or(0),
        &bad,
    ));

    checks.push(objects(cluster, &mut conn, &ids, uploads.len()).await?);

    let outbox = texts(&mut conn, "SELECT id::text AS v FROM job_outbox").await?;
    checks.push(Check {
        name: "job outbox drained".to_owned(),
        ok: outbox.is_empty(),
        detail: format!("{} row(s) left", outbox.len()),
    });

    checks.push(dead_letters(poison).await);
    Ok(checks)
}

/// Every completed acknowledged upload's media keys exist in S3 (HEAD through the API's own
/// object store), and its derivative folder (`media/{owner}/{upload}/` in s3s-fs's data
/// directory) holds exactly one set: original, thumb and medium.
async fn objects(
    cluster: &Cluster,
    conn: &mut AsyncPgConnection,
    ids: &str,
    total: usize,
) -> Result<Check> {
    let store = cluster.object_store()?;
    let rows = texts(
        conn,
        &format!(
            "SELECT md.original_key || ' ' || md.thumb_key || ' ' || md.medium_key AS v \
             FROM media_uploads mu JOIN media md ON md.id = mu.processed_media_id WHERE mu.id = ANY({ids})"
        ),
    )
    .await?;
    let data = cluster.services_dir().join("s3/data/ciel-media");
    let mut bad = Vec::new();
    for row in &rows {
        let keys: Vec<&str> = row.split(' ').collect();
        for key in &keys {
            if let Err(e) = store.head(key).await {
                bad.push(format!("{key}: {e}"));
            }
        }
        if let Some(folder) = <[&str]>::first(&keys)
            .and_then(|k| k.rsplit_once('/'))
            .map(|(d, _)| d)
        {
            let mut names: Vec<String> = std::fs::read_dir(data.join(folder))
                .map(|d| {
                    d.flatten()
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .filter(|n| !n.starts_with('.'))
                        .collect()
                })
                .unwrap_or_default();
            names.sort();
            let stems: Vec<&str> = names
                .iter()
                .map(|n| n.split('.').next().unwrap_or(""))
                .collect();
            if stems != ["medium", "original", "thumb"] {
                bad.push(format!("{folder} holds {names:?}"));
            }
        }
    }
    Ok(Check {
        name: "each completed upload has its three objects, one set".to_owned(),
        ok: bad.is_empty() && rows.len() == total,
        detail: if bad.is_empty() {
            format!("{} media of {total} uploads checked in S3", rows.len())
        } else {
            format!(
                "{} problem(s), e.g. {}",
                bad.len(),
                bad.iter().take(5).cloned().collect::<Vec<_>>().join("; ")
            )
        },
    })
}

/// The dead-letter queue holds exactly the injected poison messages.
async fn dead_letters(poison: &Poison) -> Check {
    let mut injected = poison.injected();
    injected.sort();
    match ciel_queue::dead_letters::list(poison.config(), 10_000).await {
        Ok(letters) => {
            let mut bodies: Vec<String> = letters.into_iter().map(|d| d.body).collect();
            bodies.sort();
            Check {
                name: "dead-letter queue holds exactly the injected poison".to_owned(),
                ok: bodies == injected,
                detail: format!(
                    "{} injected, {} dead-lettered{}",
                    injected.len(),
                    bodies.len(),
                    if bodies == injected {
                        String::new()
                    } else {
                        format!(": {bodies:?}")
                    }
                ),
            }
        }
        Err(e) => Check {
            name: "dead-letter queue holds exactly the injected poison".to_owned(),
            ok: false,
            detail: format!("cannot read it: {e}"),
        },
    }
}
