//! The demo world for `cargo xtask dev`: a few users who follow each other and an admin invite.
//! Idempotent: seeding twice changes nothing.

use crate::error::StorageError;
use crate::pool::PgPool;
use diesel::sql_types::{Text, Uuid as SqlUuid};
use diesel_async::{AsyncConnection, RunQueryDsl};
use uuid::Uuid;

/// A demo account to create.
#[derive(Clone, Debug)]
pub struct DemoUser {
    /// Unique handle.
    pub handle: String,
    /// Unique email.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Bio.
    pub bio: String,
}

/// What the seed produced.
#[derive(Clone, Debug)]
pub struct DemoWorld {
    /// `(id, handle)` of each demo user.
    pub users: Vec<(Uuid, String)>,
    /// A valid admin invite code for signing up.
    pub invite_code: String,
}

#[derive(diesel::QueryableByName)]
struct IdRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
}

#[derive(diesel::QueryableByName)]
struct CodeRow {
    #[diesel(sql_type = Text)]
    code: String,
}

/// Creates the demo users (all with `password_hash`), makes every pair follow each other, keeps
/// trust counters consistent, and ensures one unexpired admin invite exists (inserting
/// `fresh_invite_code` when none does).
pub async fn seed_demo_world(
    pool: &PgPool,
    users: &[DemoUser],
    password_hash: &str,
    fresh_invite_code: &str,
) -> Result<DemoWorld, StorageError> {
    let mut conn = pool.get().await?;
    let users = users.to_vec();
    let password_hash = password_hash.to_owned();
    let fresh_invite_code = fresh_invite_code.to_owned();
    conn.transaction::<_, StorageError, _>(async move |conn| {
        {
            let mut created = Vec::new();
            for u in &users {
                diesel::sql_query(
                    "INSERT INTO users (handle, email, display_name, bio, password_hash) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                )
                .bind::<Text, _>(&u.handle)
                .bind::<Text, _>(&u.email)
                .bind::<Text, _>(&u.display_name)
                .bind::<Text, _>(&u.bio)
                .bind::<Text, _>(&password_hash)
                .execute(conn)
                .await?;
                let row: IdRow = diesel::sql_query("SELECT id FROM users WHERE handle = $1")
                    .bind::<Text, _>(&u.handle)
                    .get_result(conn)
                    .await?;
                diesel::sql_query(
                    "INSERT INTO user_trust_scores (user_id) VALUES ($1) ON CONFLICT DO NOTHING",
                )
                .bind::<SqlUuid, _>(row.id)
                .execute(conn)
                .await?;
                created.push((row.id, u.handle.clone()));
            }
            for (a, _) in &created {
                for (b, _) in &created {
                    if a != b {
                        diesel::sql_query(
                            "INSERT INTO follows (follower_id, followee_id) VALUES ($1, $2) \
                             ON CONFLICT DO NOTHING",
                        )
                        .bind::<SqlUuid, _>(*a)
                        .bind::<SqlUuid, _>(*b)
                        .execute(conn)
                        .await?;
                    }
                }
            }
            diesel::sql_query(
                "UPDATE user_trust_scores t SET followers_count = \
                 (SELECT count(*) FROM follows f WHERE f.followee_id = t.user_id) \
                 WHERE t.user_id = ANY($1)",
            )
            .bind::<diesel::sql_types::Array<SqlUuid>, _>(
                created.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
            )
            .execute(conn)
            .await?;

            let existing: Vec<CodeRow> = diesel::sql_query(
                "SELECT code::text AS code FROM invite_codes \
                 WHERE invite_type = 'admin' AND is_valid AND use_count < max_uses \
                   AND expires_at > now() + interval '1 day' AND metadata->>'seed' = 'demo' \
                 ORDER BY created_at DESC LIMIT 1",
            )
            .load(conn)
            .await?;
            let invite_code = match existing.into_iter().next() {
                Some(row) => row.code,
                None => {
                    diesel::sql_query(
                        "INSERT INTO invite_codes (code, created_by, expires_at, invite_type, metadata) \
                         VALUES ($1, NULL, now() + interval '30 days', 'admin', '{\"seed\":\"demo\"}')",
                    )
                    .bind::<Text, _>(&fresh_invite_code)
                    .execute(conn)
                    .await?;
                    fresh_invite_code.clone()
                }
            };
            Ok(DemoWorld {
                users: created,
                invite_code,
            })
        }
    })
    .await
}
