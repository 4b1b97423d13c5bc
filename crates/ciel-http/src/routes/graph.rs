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
async fn follow(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.social.follow(caller.0, UserId::from(*id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /users/:id/unfollow`: 204, also when not following.
async fn unfollow(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.social.unfollow(caller.0, UserId::from(*id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /users/:id/block`: `{"blocked": bool}`.
async fn block(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let blocked = state.social.block(caller.0, UserId::from(*id)).await?;
    Ok(HttpResponse::Ok().json(BlockedDto { blocked }))
}

/// `POST /users/:id/unblock`: `{"unblocked": bool}`.
async fn unblock(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let unblocked = state.social.unblock(caller.0, UserId::from(*id)).await?;
    Ok(HttpResponse::Ok().json(UnblockedDto { unblocked }))
}

/// `GET /users/:id/relationship`.
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
async fn followers(
    _: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
    page: PageParams,
) -> Result<HttpResponse, ApiError> {
    list(&state, *id, FollowList::Followers, page).await
}

/// `GET /users/:id/following`.
async fn following(
    _: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
    page: PageParams,
) -> Result<HttpResponse, ApiError> {
    list(&state, *id, FollowList::Following, page).await
}
