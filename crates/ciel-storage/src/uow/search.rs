//! `SearchStore` on a unit of work's connection: case-insensitive literal substring search
//! with `ILIKE` (served by the trigram GIN indexes on `users.handle`, `users.display_name`
//! and `posts.caption`), keyset-paginated by (created_at, id) DESC.

use super::PgTx;
use super::post_visibility::visible_to;
use super::posts::{post_keys, posts_after};
use crate::enums::PgPostVisibility;
use crate::repos::accounts::UserRow;
use crate::repos::errors::repo_error;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ciel_domain::ports::{RepoError, SearchStore};
use ciel_domain::posts::PostKey;
use ciel_domain::search::SearchTerm;
use ciel_domain::users::User;
use ciel_domain::visibility::PostVisibility;
use ciel_domain::{PageRequest, UserId};
use ciel_schema::{posts, users};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// `%term%` with `\`, `%` and `_` escaped, so `ILIKE` (whose escape character is `\`)
/// matches the term literally.
pub(crate) fn contains_pattern(term: &str) -> String {
    let mut out = String::with_capacity(term.len() + 4);
    out.push('%');
    for c in term.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The post search query: public posts visible to `viewer` whose caption contains `term`.
fn post_search_query(
    term: &SearchTerm,
    viewer: UserId,
    page: PageRequest,
) -> posts::BoxedQuery<'static, Pg, (SqlUuid, Timestamptz)> {
    let mut query = posts::table
        .select((posts::id, posts::created_at))
        .filter(posts::caption.ilike(contains_pattern(term.as_str())))
        .filter(posts::visibility.eq(PgPostVisibility(PostVisibility::Public)))
        .filter(visible_to(Some(viewer)))
        .order((posts::created_at.desc(), posts::id.desc()))
        .limit(page.limit.fetch_count())
        .into_boxed();
    if let Some(c) = page.after {
        query = query.filter(posts_after(c));
    }
    query
}

/// The user search query: users not deleted whose handle or display name contains `term`.
fn user_search_query(
    term: &SearchTerm,
    page: PageRequest,
) -> users::BoxedQuery<'static, Pg, diesel::dsl::SqlTypeOf<diesel::dsl::AsSelect<UserRow, Pg>>> {
    let pattern = contains_pattern(term.as_str());
    let mut query = users::table
        .select(UserRow::as_select())
        .filter(users::deleted_at.is_null())
        .filter(
            users::handle
                .ilike(pattern.clone())
                .or(users::display_name.ilike(pattern)),
        )
        .order((users::created_at.desc(), users::id.desc()))
        .limit(page.limit.fetch_count())
        .into_boxed();
    if let Some(c) = page.after {
        query = query.filter(
            users::created_at
                .lt(c.ts)
                .or(users::created_at.eq(c.ts).and(users::id.lt(c.id))),
        );
    }
    query
}

#[async_trait]
impl SearchStore for PgTx<'_> {
    async fn search_users(
        &mut self,
        term: &SearchTerm,
        page: PageRequest,
    ) -> Result<Vec<User>, RepoError> {
        user_search_query(term, page)
            .load::<UserRow>(self.conn)
            .await
            .map(|rows| rows.into_iter().map(UserRow::into_domain).collect())
            .map_err(repo_error)
    }

    async fn search_post_keys(
        &mut self,
        term: &SearchTerm,
        viewer: UserId,
        page: PageRequest,
    ) -> Result<Vec<PostKey>, RepoError> {
        post_search_query(term, viewer, page)
            .load::<(Uuid, DateTime<Utc>)>(self.conn)
            .await
            .map(post_keys)
            .map_err(repo_error)
    }
}

/// `EXPLAIN` in front of a query, keeping its binds.
struct Explain<Q>(Q);

impl<Q: QueryFragment<Pg>> QueryFragment<Pg> for Explain<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.unsafe_to_cache_prepared();
        out.push_sql("EXPLAIN ");
        self.0.walk_ast(out.reborrow())
    }
}

impl<Q> QueryId for Explain<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q> Query for Explain<Q> {
    type SqlType = Text;
}

/// The plan Postgres chooses for the post search (first page), one line per row of
/// `EXPLAIN` — diagnostics, to show the trigram index serves it.
pub async fn explain_post_search(
    conn: &mut AsyncPgConnection,
    term: &SearchTerm,
    viewer: UserId,
) -> QueryResult<Vec<String>> {
    Explain(post_search_query(term, viewer, PageRequest::default()))
        .load::<String>(conn)
        .await
}

/// The plan Postgres chooses for the user search (first page); see [`explain_post_search`].
pub async fn explain_user_search(
    conn: &mut AsyncPgConnection,
    term: &SearchTerm,
) -> QueryResult<Vec<String>> {
    Explain(user_search_query(term, PageRequest::default()))
        .load::<String>(conn)
        .await
}

#[cfg(test)]
mod tests {
    use super::contains_pattern;

    #[test]
    fn like_metacharacters_are_escaped() {
        assert_eq!(contains_pattern("ab"), "%ab%");
        assert_eq!(contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
