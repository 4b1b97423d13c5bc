//! Likes and comments (contract §2.5): only on posts visible to the caller (otherwise 404
//! `post not found`, also when the post is deleted between the check and the write); a new
//! like by someone else gives the owner trust points and a `post_liked` notification, a comment gives its author trust points and the owner a `post_commented`
//! notification — each in the same transaction as the write.

use super::{PostService, post_not_found};
use crate::error::AppError;
use crate::trust;
use crate::tx::{read, transact};
use ciel_domain::notifications::{Actor, NewNotification};
use ciel_domain::ports::{RepoError, Tx};
use ciel_domain::posts::{Comment, Like, check_comment_body};
use ciel_domain::time::to_db_precision;
use ciel_domain::trust::TrustEvent;
use ciel_domain::{CommentId, Cursor, Page, PageRequest, PostId, UserId};

/// The owner of `post` when it is visible to `caller`; 404 otherwise.
async fn visible_owner(tx: &mut dyn Tx, caller: UserId, post: PostId) -> Result<UserId, AppError> {
    tx.visible_post_owner(Some(caller), post)
        .await?
        .ok_or_else(post_not_found)
}

/// A write that lost its post to a concurrent delete is a 404, like a missing post.
fn gone_is_not_found(err: RepoError) -> AppError {
    match err {
        RepoError::MissingReference(_) => post_not_found(),
        other => other.into(),
    }
}

/// The caller as an actor (they are authenticated, so active).
async fn actor(tx: &mut dyn Tx, caller: UserId) -> Result<Actor, AppError> {
    tx.active_user(caller)
        .await?
        .ok_or_else(|| AppError::Unauthenticated("invalid or expired token".into()))
}

impl PostService {
    /// `POST /posts/:id/like`: true when the like is new (false when it already existed).
    pub async fn like(&self, caller: UserId, post: PostId) -> Result<bool, AppError> {
        let now = to_db_precision(self.deps.clock.now());
        transact(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                let owner = visible_owner(tx, caller, post).await?;
                if !tx
                    .insert_like(caller, post, now)
                    .await
                    .map_err(gone_is_not_found)?
                {
                    return Ok(false);
                }
                // Liking one's own post earns nothing (no points to farm, no notification).
                if owner != caller {
                    trust::apply(tx, owner, TrustEvent::LikeReceived, now).await?;
                }
                let liker = actor(tx, caller).await?;
                if let Some(n) = NewNotification::post_liked(&liker, owner, post) {
                    tx.insert_notification(&n, now).await?;
                }
                Ok(true)
            })
        })
        .await
    }

    /// `DELETE /posts/:id/like`: 404 `like not found` when the caller had no like there.
    pub async fn unlike(&self, caller: UserId, post: PostId) -> Result<(), AppError> {
        let removed = transact(&*self.deps.uow, move |tx| {
            Box::pin(async move { Ok(tx.delete_like(caller, post).await?) })
        })
        .await?;
        if removed {
            Ok(())
        } else {
            Err(AppError::NotFound("like not found".into()))
        }
    }

    /// `GET /posts/:id/likes`: newest first; 404 when the post is missing or hidden.
    pub async fn likes(
        &self,
        caller: UserId,
        post: PostId,
        page: PageRequest,
    ) -> Result<Page<Like>, AppError> {
        let rows = read(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                visible_owner(tx, caller, post).await?;
                Ok(tx.likes_page(post, page).await?)
            })
        })
        .await?;
        Ok(Page::from_lookahead(rows, page.limit, |l| Cursor {
            ts: l.created_at,
            id: l.id.as_uuid(),
        }))
    }

    /// `POST /posts/:id/comment`: not blank, at most 1000 characters; stored as sent.
    pub async fn comment(
        &self,
        caller: UserId,
        post: PostId,
        body: String,
    ) -> Result<Comment, AppError> {
        check_comment_body(&body).map_err(|e| AppError::Invalid(e.to_string()))?;
        let now = to_db_precision(self.deps.clock.now());
        transact(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                let owner = visible_owner(tx, caller, post).await?;
                let author = actor(tx, caller).await?;
                let id = tx
                    .insert_comment(caller, post, &body, now)
                    .await
                    .map_err(gone_is_not_found)?;
                trust::apply(tx, caller, TrustEvent::CommentCreated, now).await?;
                if let Some(n) = NewNotification::post_commented(&author, owner, post, &body) {
                    tx.insert_notification(&n, now).await?;
                }
                Ok(Comment {
                    id,
                    user_id: caller,
                    post_id: post,
                    body,
                    created_at: now,
                    user_handle: Some(author.handle),
                    user_display_name: Some(author.display_name),
                })
            })
        })
        .await
    }

    /// `GET /posts/:id/comments`: newest first; 404 when the post is missing or hidden.
    pub async fn comments(
        &self,
        caller: UserId,
        post: PostId,
        page: PageRequest,
    ) -> Result<Page<Comment>, AppError> {
        let rows = read(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                visible_owner(tx, caller, post).await?;
                Ok(tx.comments_page(post, page).await?)
            })
        })
        .await?;
        Ok(Page::from_lookahead(rows, page.limit, |c| Cursor {
            ts: c.created_at,
            id: c.id.as_uuid(),
        }))
    }

    /// `DELETE /posts/:id/comments/:comment_id`: only the caller's own comment on that post;
    /// otherwise 404 `comment not found`.
    pub async fn delete_comment(
        &self,
        caller: UserId,
        post: PostId,
        comment: CommentId,
    ) -> Result<(), AppError> {
        let removed = transact(&*self.deps.uow, move |tx| {
            Box::pin(async move { Ok(tx.delete_comment(caller, post, comment).await?) })
        })
        .await?;
        if removed {
            Ok(())
        } else {
            Err(AppError::NotFound("comment not found".into()))
        }
    }
}
