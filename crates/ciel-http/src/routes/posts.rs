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
#[utoipa::path(
    post,
    path = "/v1/posts",
    operation_id = "create_post",
    tag = "posts",
    security(("bearer" = [])),
    request_body = CreatePostBody,
    responses(
        (status = 200, description = "The new public post (no counts, no `primary_media`)", body = PostDto),
        (status = 400, description = "`at least one media_id is required`, `maximum 10 images per post`, `media_ids must be unique`, `caption must be at most 2200 characters`, or `invalid media_id` (unknown, not yours, or not processed yet)"),
    ),
)]
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
#[utoipa::path(
    get,
    path = "/v1/posts/{id}",
    operation_id = "get_post",
    tag = "posts",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The post")),
    responses(
        (status = 200, description = "The post with its counts (`liked_by_viewer` when authenticated)", body = PostDto),
        (status = 404, description = "`post not found` (missing or not visible)"),
    ),
)]
async fn get(
    viewer: MaybeUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view = state.posts.get(viewer.0, PostId::from(*id)).await?;
    Ok(HttpResponse::Ok().json(PostDto::from(view)))
}

/// `PATCH /posts/:id`: absent caption unchanged, `null` clears; 200 Post (no counts).
#[utoipa::path(
    patch,
    path = "/v1/posts/{id}",
    operation_id = "update_post",
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The caller's post")),
    request_body(content = Option<PatchPostBody>, description = "Optional: an empty body means `{}`"),
    responses(
        (status = 200, description = "The post (no counts)", body = PostDto),
        (status = 400, description = "`caption must be at most 2200 characters`"),
        (status = 404, description = "`post not found` (missing or not the owner)"),
    ),
)]
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
#[utoipa::path(
    delete,
    path = "/v1/posts/{id}",
    operation_id = "delete_post",
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The caller's post")),
    responses(
        (status = 204, description = "Deleted with its likes, comments and reports (the media are kept)"),
        (status = 404, description = "`post not found` (missing or not the owner)"),
    ),
)]
async fn delete(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.posts.delete(caller.0, PostId::from(*id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /posts/:id/like`: 200 `{"created": bool}`.
#[utoipa::path(
    post,
    path = "/v1/posts/{id}/like",
    operation_id = "like_post",
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The post")),
    responses(
        (status = 200, description = "Whether the like is new", body = LikeCreatedDto),
        (status = 404, description = "`post not found` (missing or not visible)"),
    ),
)]
async fn like(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let created = state.posts.like(caller.0, PostId::from(*id)).await?;
    Ok(HttpResponse::Ok().json(LikeCreatedDto { created }))
}

/// `DELETE /posts/:id/like`: 204.
#[utoipa::path(
    delete,
    path = "/v1/posts/{id}/like",
    operation_id = "unlike_post",
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The post")),
    responses(
        (status = 204, description = "The like is gone"),
        (status = 404, description = "`like not found`"),
    ),
)]
async fn unlike(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.posts.unlike(caller.0, PostId::from(*id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /posts/:id/likes`: page of Like.
#[utoipa::path(
    get,
    path = "/v1/posts/{id}/likes",
    operation_id = "post_likes",
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The post"), crate::openapi::params::PageQuery),
    responses(
        (status = 200, description = "A page of likes, newest first", body = PageDto<LikeDto>),
        (status = 404, description = "`post not found` (missing or not visible)"),
    ),
)]
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
#[utoipa::path(
    post,
    path = "/v1/posts/{id}/comment",
    operation_id = "comment_post",
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The post")),
    request_body = CommentBody,
    responses(
        (status = 200, description = "The comment with its author's handle and display name", body = CommentDto),
        (status = 400, description = "`comment body cannot be empty` or `comment body exceeds 1000 characters`"),
        (status = 404, description = "`post not found` (missing or not visible)"),
    ),
)]
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
#[utoipa::path(
    get,
    path = "/v1/posts/{id}/comments",
    operation_id = "post_comments",
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The post"), crate::openapi::params::PageQuery),
    responses(
        (status = 200, description = "A page of comments, newest first", body = PageDto<CommentDto>),
        (status = 404, description = "`post not found` (missing or not visible)"),
    ),
)]
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
#[utoipa::path(
    delete,
    path = "/v1/posts/{id}/comments/{comment_id}",
    operation_id = "delete_comment",
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The post"), ("comment_id" = Uuid, Path, description = "The caller's comment on that post")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "`comment not found` (missing, not on that post, or not the caller's)"),
    ),
)]
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
#[utoipa::path(
    get,
    path = "/v1/users/{id}/posts",
    operation_id = "user_posts",
    tag = "posts",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The author"), crate::openapi::params::PageQuery),
    responses(
        (status = 200, description = "A page of the posts the caller may see, newest first, with `primary_media` (an unknown user gives an empty page)", body = PageDto<PostDto>),
    ),
)]
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

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    create,
    get,
    patch,
    delete,
    like,
    unlike,
    likes,
    comment,
    comments,
    delete_comment,
    user_posts
))]
pub(crate) struct Api;
