//! Routes for /v1/posts, likes, comments and /v1/users/{id}/posts (contract §2.5, §2.4).

use crate::dto::PageDto;
use crate::dto::engagement::{
    CommentBody, CommentDto, CreatePostBody, LikeCreatedDto, LikeDto, PatchPostBody,
};
use crate::dto::post::PostDto;
use crate::error::ApiError;
use crate::extract::{AuthUser, JsonBody, MaybeUser, OptionalJson, PageParams};
use crate::state::HttpState;
use actix_web::{HttpResponse, web};
use ciel_domain::{CommentId, MediaId, PostId, UserId};
use uuid::Uuid;

/// Registers this area's routes in the `/v1` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/posts").post(create))
        .service(
            web::resource("/posts/{id}")
                .get(get)
                .patch(patch)
                .delete(delete),
        )
        .service(web::resource("/posts/{id}/like").post(like).delete(unlike))
        .service(web::resource("/posts/{id}/likes").get(likes))
        .service(web::resource("/posts/{id}/comment").post(comment))
        .service(web::resource("/posts/{id}/comments").get(comments))
        .service(web::resource("/posts/{id}/comments/{comment_id}").delete(delete_comment))
        .service(web::resource("/users/{id}/posts").get(user_posts));
}

/// `POST /posts`: 200 Post (public, no counts, no `primary_media`).
async fn create(
    caller: AuthUser,
    state: web::Data<HttpState>,
    body: JsonBody<CreatePostBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let media = b.media_ids.into_iter().map(MediaId::from).collect();
    let view = state.posts.create(caller.0, media, b.caption).await?;
    Ok(HttpResponse::Ok().json(PostDto::from(view)))
}

/// `GET /posts/:id` (optional auth): 200 Post with counts.
async fn get(
    viewer: MaybeUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view = state.posts.get(viewer.0, PostId::from(*id)).await?;
    Ok(HttpResponse::Ok().json(PostDto::from(view)))
}

/// `PATCH /posts/:id`: absent caption unchanged, `null` clears; 200 Post (no counts).
async fn patch(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
    body: OptionalJson<PatchPostBody>,
) -> Result<HttpResponse, ApiError> {
    let id = PostId::from(*id);
    let view = match body.0.caption {
        Some(caption) => state.posts.set_caption(caller.0, id, caption).await?,
        None => state.posts.current(caller.0, id).await?,
    };
    Ok(HttpResponse::Ok().json(PostDto::from(view)))
}

/// `DELETE /posts/:id`: 204.
async fn delete(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.posts.delete(caller.0, PostId::from(*id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /posts/:id/like`: 200 `{"created": bool}`.
async fn like(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let created = state.posts.like(caller.0, PostId::from(*id)).await?;
    Ok(HttpResponse::Ok().json(LikeCreatedDto { created }))
}

/// `DELETE /posts/:id/like`: 204.
async fn unlike(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.posts.unlike(caller.0, PostId::from(*id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /posts/:id/likes`: page of Like.
async fn likes(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
    page: PageParams,
) -> Result<HttpResponse, ApiError> {
    let page = state
        .posts
        .likes(caller.0, PostId::from(*id), page.0)
        .await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, LikeDto::from)))
}

/// `POST /posts/:id/comment`: 200 Comment.
async fn comment(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
    body: JsonBody<CommentBody>,
) -> Result<HttpResponse, ApiError> {
    let c = state
        .posts
        .comment(caller.0, PostId::from(*id), body.0.body)
        .await?;
    Ok(HttpResponse::Ok().json(CommentDto::from(c)))
}

/// `GET /posts/:id/comments`: page of Comment.
async fn comments(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
    page: PageParams,
) -> Result<HttpResponse, ApiError> {
    let page = state
        .posts
        .comments(caller.0, PostId::from(*id), page.0)
        .await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, CommentDto::from)))
}

/// `DELETE /posts/:id/comments/:comment_id`: 204.
async fn delete_comment(
    caller: AuthUser,
    state: web::Data<HttpState>,
    ids: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (post, comment) = ids.into_inner();
    state
        .posts
        .delete_comment(caller.0, PostId::from(post), CommentId::from(comment))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /users/:id/posts` (optional auth): page of Post with `primary_media`, no counts.
async fn user_posts(
    viewer: MaybeUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
    page: PageParams,
) -> Result<HttpResponse, ApiError> {
    let page = state
        .posts
        .user_posts(viewer.0, UserId::from(*id), page.0)
        .await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, PostDto::from)))
}
