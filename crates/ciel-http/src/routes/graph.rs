//! Routes for /v1/users/{id}/follow|unfollow|block|unblock|relationship|followers|following (contract §2.4).

use crate::dto::PageDto;
use crate::dto::social::{BlockedDto, RelationshipDto, SocialUserItemDto, UnblockedDto};
use crate::error::ApiError;
use crate::extract::{AuthUser, PageParams};
use crate::state::HttpState;
use actix_web::{HttpResponse, web};
use ciel_domain::UserId;
use ciel_domain::graph::FollowList;
use uuid::Uuid;

/// Registers this area's routes in the `/v1` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/users/{id}/follow").post(follow))
        .service(web::resource("/users/{id}/unfollow").post(unfollow))
        .service(web::resource("/users/{id}/block").post(block))
        .service(web::resource("/users/{id}/unblock").post(unblock))
        .service(web::resource("/users/{id}/relationship").get(relationship))
        .service(web::resource("/users/{id}/followers").get(followers))
        .service(web::resource("/users/{id}/following").get(following));
}

/// `POST /users/:id/follow`: 204, idempotent.
#[utoipa::path(
    post,
    path = "/v1/users/{id}/follow",
    operation_id = "follow",
    tag = "graph",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user to follow")),
    responses(
        (status = 204, description = "Following (a no-op when already following or across a block)"),
        (status = 400, description = "`cannot follow yourself`"),
        (status = 403, description = "`user has reached the follower limit`"),
        (status = 404, description = "`user not found`"),
    ),
)]
async fn follow(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.social.follow(caller.0, UserId::from(*id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /users/:id/unfollow`: 204, also when not following.
#[utoipa::path(
    post,
    path = "/v1/users/{id}/unfollow",
    operation_id = "unfollow",
    tag = "graph",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user to unfollow")),
    responses(
        (status = 204, description = "Not following (also when one was not)"),
        (status = 400, description = "`cannot unfollow yourself`"),
    ),
)]
async fn unfollow(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.social.unfollow(caller.0, UserId::from(*id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /users/:id/block`: `{"blocked": bool}`.
#[utoipa::path(
    post,
    path = "/v1/users/{id}/block",
    operation_id = "block",
    tag = "graph",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user to block")),
    responses(
        (status = 200, description = "Whether the block is new; follows both ways are removed", body = BlockedDto),
        (status = 400, description = "`cannot block yourself`"),
        (status = 404, description = "`user not found`"),
    ),
)]
async fn block(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let blocked = state.social.block(caller.0, UserId::from(*id)).await?;
    Ok(HttpResponse::Ok().json(BlockedDto { blocked }))
}

/// `POST /users/:id/unblock`: `{"unblocked": bool}`.
#[utoipa::path(
    post,
    path = "/v1/users/{id}/unblock",
    operation_id = "unblock",
    tag = "graph",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user to unblock")),
    responses(
        (status = 200, description = "Whether a block was removed", body = UnblockedDto),
        (status = 400, description = "`cannot unblock yourself`"),
    ),
)]
async fn unblock(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let unblocked = state.social.unblock(caller.0, UserId::from(*id)).await?;
    Ok(HttpResponse::Ok().json(UnblockedDto { unblocked }))
}

/// `GET /users/:id/relationship`.
#[utoipa::path(
    get,
    path = "/v1/users/{id}/relationship",
    operation_id = "relationship",
    tag = "graph",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The other user")),
    responses(
        (status = 200, description = "How the user relates to the caller", body = RelationshipDto),
    ),
)]
async fn relationship(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let r = state
        .social
        .relationship(caller.0, UserId::from(*id))
        .await?;
    Ok(HttpResponse::Ok().json(RelationshipDto::from(r)))
}

/// `GET /users/:id/followers` and `/following`: a page of SocialUserItem.
async fn list(
    state: &HttpState,
    id: Uuid,
    list: FollowList,
    page: PageParams,
) -> Result<HttpResponse, ApiError> {
    let page = state
        .social
        .follow_list(UserId::from(id), list, page.0)
        .await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, SocialUserItemDto::from)))
}

/// `GET /users/:id/followers`.
#[utoipa::path(
    get,
    path = "/v1/users/{id}/followers",
    operation_id = "followers",
    tag = "graph",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user"), crate::openapi::params::PageQuery),
    responses(
        (status = 200, description = "A page of followers, newest follow first", body = PageDto<SocialUserItemDto>),
    ),
)]
async fn followers(
    _: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
    page: PageParams,
) -> Result<HttpResponse, ApiError> {
    list(&state, *id, FollowList::Followers, page).await
}

/// `GET /users/:id/following`.
#[utoipa::path(
    get,
    path = "/v1/users/{id}/following",
    operation_id = "following",
    tag = "graph",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user"), crate::openapi::params::PageQuery),
    responses(
        (status = 200, description = "A page of followees, newest follow first", body = PageDto<SocialUserItemDto>),
    ),
)]
async fn following(
    _: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
    page: PageParams,
) -> Result<HttpResponse, ApiError> {
    list(&state, *id, FollowList::Following, page).await
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(follow, unfollow, block, unblock, relationship, followers, following))]
pub(crate) struct Api;
