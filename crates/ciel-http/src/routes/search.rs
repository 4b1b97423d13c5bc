//! Routes for /v1/search/users and /v1/search/posts (contract §2.10).

use crate::dto::PageDto;
use crate::dto::post::PostDto;
use crate::dto::user::PublicUserDto;
use crate::error::ApiError;
use crate::extract::{AuthUser, PageParams};
use crate::state::HttpState;
use actix_web::{HttpRequest, HttpResponse, web};
use ciel_domain::users::UserCounts;
use serde::Deserialize;

/// Registers this area's routes in the `/v1` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/search/users").get(users))
        .service(web::resource("/search/posts").get(posts));
}

#[derive(Deserialize)]
struct RawQ {
    q: Option<String>,
}

/// The raw `q` (validated by the use case); a query string that does not parse is a 400.
fn q(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    web::Query::<RawQ>::from_query(req.query_string())
        .map(|q| q.into_inner().q)
        .map_err(|_| ApiError::bad_request("invalid query string"))
}

/// `GET /search/users?q=`: page of PublicUser (counts 0, avatar URL filled).
#[utoipa::path(
    get,
    path = "/v1/search/users",
    operation_id = "search_users",
    tag = "search",
    security(("bearer" = [])),
    params(crate::openapi::params::SearchQuery),
    responses(
        (status = 200, description = "A page of users whose handle or display name contains `q` (counts are 0)", body = PageDto<PublicUserDto>),
        (status = 400, description = "`q must be at least 2 characters` or `q must be at most 100 characters`"),
    ),
)]
async fn users(
    _caller: AuthUser,
    req: HttpRequest,
    state: web::Data<HttpState>,
    page: PageParams,
) -> Result<HttpResponse, ApiError> {
    let q = q(&req)?;
    let page = state.search.users(q.as_deref(), page.0).await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, |hit| {
        PublicUserDto::new(hit.user, UserCounts::default(), hit.avatar_url)
    })))
}

/// `GET /search/posts?q=`: page of Post (public, visible, newest first).
#[utoipa::path(
    get,
    path = "/v1/search/posts",
    operation_id = "search_posts",
    tag = "search",
    security(("bearer" = [])),
    params(crate::openapi::params::SearchQuery),
    responses(
        (status = 200, description = "A page of public posts whose caption contains `q`, newest first", body = PageDto<PostDto>),
        (status = 400, description = "`q must be at least 2 characters` or `q must be at most 100 characters`"),
    ),
)]
async fn posts(
    caller: AuthUser,
    req: HttpRequest,
    state: web::Data<HttpState>,
    page: PageParams,
) -> Result<HttpResponse, ApiError> {
    let q = q(&req)?;
    let page = state.search.posts(caller.0, q.as_deref(), page.0).await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, PostDto::from)))
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(users, posts))]
pub(crate) struct Api;
