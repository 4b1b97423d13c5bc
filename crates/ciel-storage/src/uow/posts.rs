//! `PostStore` on a unit of work's connection: posts, their media, likes and comments. Every
//! query is diesel DSL (cached per connection); visibility comes from [`visible_to`].

use super::PgTx;
use super::post_visibility::visible_to;
use crate::enums::PgPostVisibility;
use crate::repos::errors::repo_error;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ciel_domain::ports::{PostStore, RepoError};
use ciel_domain::posts::{Comment, Like, NewPost, Post, PostCounts, PostKey};
use ciel_domain::time::Timestamp;
use ciel_domain::{CommentId, Cursor, LikeId, MediaId, PageRequest, PostId, UserId};
use ciel_schema::{comments, likes, media, post_media, posts, users};
use diesel::dsl::exists;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

/// A post joined with what responses show of its owner.
type PostRow = (
    Uuid,
    Uuid,
    Option<String>,
    PgPostVisibility,
    DateTime<Utc>,
    String,
    String,
    Option<String>,
);

/// A comment joined with its author's handle and display name.
type CommentRow = (Uuid, Uuid, Uuid, String, DateTime<Utc>, String, String);

/// Keyset condition on `posts`: strictly after `c` in (created_at, id) DESC order.
pub(crate) fn posts_after(
    c: Cursor,
) -> Box<dyn BoxableExpression<posts::table, Pg, SqlType = Bool>> {
    Box::new(
        posts::created_at
            .lt(c.ts)
            .or(posts::created_at.eq(c.ts).and(posts::id.lt(c.id))),
    )
}

/// Rows of `(id, created_at)` as post keys.
pub(crate) fn post_keys(rows: Vec<(Uuid, DateTime<Utc>)>) -> Vec<PostKey> {
    rows.into_iter()
        .map(|(id, created_at)| PostKey {
            id: PostId::from(id),
            created_at,
        })
        .collect()
}

/// Posts from rows of a post and one of its media (the rows of a post adjacent, its media in
/// position order; `None`: a post without media).
fn fold_media(rows: Vec<(PostRow, Option<Uuid>)>) -> Vec<Post> {
    let mut posts: Vec<Post> = Vec::new();
    for (row, media) in rows {
        let (id, owner, caption, visibility, created_at, handle, display_name, avatar) = row;
        let id = PostId::from(id);
        if posts.last().is_none_or(|p| p.id != id) {
            posts.push(Post {
                id,
                owner_id: UserId::from(owner),
                owner_handle: Some(handle),
                owner_display_name: Some(display_name),
                owner_avatar_key: avatar,
                media_ids: Vec::new(),
                caption,
                created_at,
                visibility: visibility.0,
            });
        }
        if let (Some(post), Some(media)) = (posts.last_mut(), media) {
            post.media_ids.push(MediaId::from(media));
        }
    }
    posts
}

fn comment(row: CommentRow) -> Comment {
    let (id, user, post, body, created_at, handle, display_name) = row;
    Comment {
        id: CommentId::from(id),
        user_id: UserId::from(user),
        post_id: PostId::from(post),
        body,
        created_at,
        user_handle: Some(handle),
        user_display_name: Some(display_name),
    }
}

#[async_trait]
impl PostStore for PgTx<'_> {
    async fn load_posts(&mut self, ids: &[PostId]) -> Result<Vec<Post>, RepoError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<Uuid> = ids.iter().map(PostId::as_uuid).collect();
        // One statement: each post with its owner, once per media link (in position order;
        // once with no media), folded into posts below.
        let rows: Vec<(PostRow, Option<Uuid>)> = posts::table
            .inner_join(users::table)
            .left_join(post_media::table)
            .filter(posts::id.eq_any(&ids))
            .order((posts::id, post_media::position))
            .select((
                (
                    posts::id,
                    posts::owner_id,
                    posts::caption,
                    posts::visibility,
                    posts::created_at,
                    users::handle,
                    users::display_name,
                    users::avatar_key,
                ),
                post_media::media_id.nullable(),
            ))
            .load(self.conn)
            .await
            .map_err(repo_error)?;
        Ok(fold_media(rows))
    }

    async fn count_owned_media(
        &mut self,
        owner: UserId,
        ids: &[MediaId],
    ) -> Result<usize, RepoError> {
        let ids: Vec<Uuid> = ids.iter().map(MediaId::as_uuid).collect();
        let n: i64 = media::table
            .filter(media::id.eq_any(ids))
            .filter(media::owner_id.eq(owner.as_uuid()))
            .count()
            .get_result(self.conn)
            .await
            .map_err(repo_error)?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    async fn insert_post(&mut self, post: &NewPost) -> Result<(), RepoError> {
        let id = post.id.as_uuid();
        diesel::insert_into(posts::table)
            .values((
                posts::id.eq(id),
                posts::owner_id.eq(post.owner_id.as_uuid()),
                posts::caption.eq(post.caption.as_deref()),
                posts::visibility.eq(PgPostVisibility(post.visibility)),
                posts::created_at.eq(post.created_at),
            ))
            .execute(self.conn)
            .await
            .map_err(repo_error)?;
        let links: Vec<_> = post
            .media_ids
            .iter()
            .zip(0i16..)
            .map(|(m, position)| {
                (
                    post_media::post_id.eq(id),
                    post_media::media_id.eq(m.as_uuid()),
                    post_media::position.eq(position),
                )
            })
            .collect();
        diesel::insert_into(post_media::table)
            .values(links)
            .execute(self.conn)
            .await
            .map(|_| ())
            .map_err(repo_error)
    }

    async fn visible_post_owner(
        &mut self,
        viewer: Option<UserId>,
        id: PostId,
    ) -> Result<Option<UserId>, RepoError> {
        posts::table
            .filter(posts::id.eq(id.as_uuid()))
            .filter(visible_to(viewer))
            .select(posts::owner_id)
            .first::<Uuid>(self.conn)
            .await
            .optional()
            .map(|owner| owner.map(UserId::from))
            .map_err(repo_error)
    }

    async fn update_caption(
        &mut self,
        owner: UserId,
        id: PostId,
        caption: Option<&str>,
    ) -> Result<bool, RepoError> {
        diesel::update(
            posts::table
                .filter(posts::id.eq(id.as_uuid()))
                .filter(posts::owner_id.eq(owner.as_uuid())),
        )
        .set(posts::caption.eq(caption))
        .execute(self.conn)
        .await
        .map(|n| n == 1)
        .map_err(repo_error)
    }

    async fn delete_post(&mut self, owner: UserId, id: PostId) -> Result<bool, RepoError> {
        diesel::delete(
            posts::table
                .filter(posts::id.eq(id.as_uuid()))
                .filter(posts::owner_id.eq(owner.as_uuid())),
        )
        .execute(self.conn)
        .await
        .map(|n| n == 1)
        .map_err(repo_error)
    }

    async fn post_counts(
        &mut self,
        id: PostId,
        viewer: Option<UserId>,
    ) -> Result<(PostCounts, Option<bool>), RepoError> {
        let id = id.as_uuid();
        let like_count = likes::table
            .filter(likes::post_id.eq(id))
            .count()
            .single_value();
        let comment_count = comments::table
            .filter(comments::post_id.eq(id))
            .count()
            .single_value();
        let (likes_n, comments_n, liked) = match viewer {
            None => {
                let (l, c) = diesel::select((like_count, comment_count))
                    .get_result::<(Option<i64>, Option<i64>)>(self.conn)
                    .await
                    .map_err(repo_error)?;
                (l, c, None)
            }
            Some(v) => {
                let liked = exists(
                    likes::table
                        .filter(likes::post_id.eq(id))
                        .filter(likes::user_id.eq(v.as_uuid())),
                );
                let (l, c, liked) = diesel::select((like_count, comment_count, liked))
                    .get_result::<(Option<i64>, Option<i64>, bool)>(self.conn)
                    .await
                    .map_err(repo_error)?;
                (l, c, Some(liked))
            }
        };
        Ok((
            PostCounts {
                like_count: likes_n.unwrap_or(0),
                comment_count: comments_n.unwrap_or(0),
            },
            liked,
        ))
    }

    async fn insert_like(
        &mut self,
        user: UserId,
        post: PostId,
        now: Timestamp,
    ) -> Result<bool, RepoError> {
        diesel::insert_into(likes::table)
            .values((
                likes::user_id.eq(user.as_uuid()),
                likes::post_id.eq(post.as_uuid()),
                likes::created_at.eq(now),
            ))
            .on_conflict((likes::user_id, likes::post_id))
            .do_nothing()
            .execute(self.conn)
            .await
            .map(|n| n == 1)
            .map_err(repo_error)
    }

    async fn delete_like(&mut self, user: UserId, post: PostId) -> Result<bool, RepoError> {
        diesel::delete(
            likes::table
                .filter(likes::user_id.eq(user.as_uuid()))
                .filter(likes::post_id.eq(post.as_uuid())),
        )
        .execute(self.conn)
        .await
        .map(|n| n == 1)
        .map_err(repo_error)
    }

    async fn likes_page(
        &mut self,
        post: PostId,
        page: PageRequest,
    ) -> Result<Vec<Like>, RepoError> {
        let mut query = likes::table
            .filter(likes::post_id.eq(post.as_uuid()))
            .select((likes::id, likes::user_id, likes::post_id, likes::created_at))
            .order((likes::created_at.desc(), likes::id.desc()))
            .limit(page.limit.fetch_count())
            .into_boxed();
        if let Some(c) = page.after {
            query = query.filter(
                likes::created_at
                    .lt(c.ts)
                    .or(likes::created_at.eq(c.ts).and(likes::id.lt(c.id))),
            );
        }
        query
            .load::<(Uuid, Uuid, Uuid, DateTime<Utc>)>(self.conn)
            .await
            .map(|rows| {
                rows.into_iter()
                    .map(|(id, user, post, created_at)| Like {
                        id: LikeId::from(id),
                        user_id: UserId::from(user),
                        post_id: PostId::from(post),
                        created_at,
                    })
                    .collect()
            })
            .map_err(repo_error)
    }

    async fn insert_comment(
        &mut self,
        user: UserId,
        post: PostId,
        body: &str,
        now: Timestamp,
    ) -> Result<CommentId, RepoError> {
        diesel::insert_into(comments::table)
            .values((
                comments::user_id.eq(user.as_uuid()),
                comments::post_id.eq(post.as_uuid()),
                comments::body.eq(body),
                comments::created_at.eq(now),
            ))
            .returning(comments::id)
            .get_result::<Uuid>(self.conn)
            .await
            .map(CommentId::from)
            .map_err(repo_error)
    }

    async fn comments_page(
        &mut self,
        post: PostId,
        page: PageRequest,
    ) -> Result<Vec<Comment>, RepoError> {
        let mut query = comments::table
            .inner_join(users::table)
            .filter(comments::post_id.eq(post.as_uuid()))
            .select((
                comments::id,
                comments::user_id,
                comments::post_id,
                comments::body,
                comments::created_at,
                users::handle,
                users::display_name,
            ))
            .order((comments::created_at.desc(), comments::id.desc()))
            .limit(page.limit.fetch_count())
            .into_boxed();
        if let Some(c) = page.after {
            query = query.filter(
                comments::created_at
                    .lt(c.ts)
                    .or(comments::created_at.eq(c.ts).and(comments::id.lt(c.id))),
            );
        }
        query
            .load::<CommentRow>(self.conn)
            .await
            .map(|rows| rows.into_iter().map(comment).collect())
            .map_err(repo_error)
    }

    async fn delete_comment(
        &mut self,
        user: UserId,
        post: PostId,
        id: CommentId,
    ) -> Result<bool, RepoError> {
        diesel::delete(
            comments::table
                .filter(comments::id.eq(id.as_uuid()))
                .filter(comments::post_id.eq(post.as_uuid()))
                .filter(comments::user_id.eq(user.as_uuid())),
        )
        .execute(self.conn)
        .await
        .map(|n| n == 1)
        .map_err(repo_error)
    }

    async fn user_post_keys(
        &mut self,
        owner: UserId,
        viewer: Option<UserId>,
        page: PageRequest,
    ) -> Result<Vec<PostKey>, RepoError> {
        let mut query = posts::table
            .filter(posts::owner_id.eq(owner.as_uuid()))
            .filter(visible_to(viewer))
            .select((posts::id, posts::created_at))
            .order((posts::created_at.desc(), posts::id.desc()))
            .limit(page.limit.fetch_count())
            .into_boxed();
        if let Some(c) = page.after {
            query = query.filter(posts_after(c));
        }
        query
            .load::<(Uuid, DateTime<Utc>)>(self.conn)
            .await
            .map(post_keys)
            .map_err(repo_error)
    }
}
