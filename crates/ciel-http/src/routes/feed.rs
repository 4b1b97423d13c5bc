//! Routes for /v1/feed and /v1/feed/refresh (contract §2.6). The feed handler hands
//! `FeedService` the renderer of the finished body, so a cached first page goes out as the
//! stored bytes, with no serialisation.

use crate::dto::page::PageDto;
use crate::dto::post::PostDto;
use crate::error::ApiError;
use crate::extract::{AuthUser, PageParams};
use crate::state::HttpState;
use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, web};
use ciel_app::{AppError, PostView};
use ciel_domain::Page;

/// Registers this area's routes in the `/v1` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/feed").route(web::get().to(home)))
        .service(web::resource("/feed/refresh").route(web::post().to(refresh)));
}

/// The feed page as the response body: a page of Post without counts or `primary_media`.
fn render(page: Page<PostView>) -> Result<Vec<u8>, AppError> {
    serde_json::to_vec(&PageDto::from_page(page, PostDto::from)).map_err(AppError::internal)
}

/// `GET /feed`: the caller's home feed page.
#[utoipa::path(
    get,
    path = "/v1/feed",
    operation_id = "home_feed",
    tag = "feed",
    security(("bearer" = [])),
    params(crate::openapi::params::PageQuery),
    responses(
        (status = 200, description = "A page of the home feed, newest first (no counts, no `primary_media`)", body = PageDto<PostDto>),
    ),
)]
pub async fn home(
    caller: AuthUser,
    page: PageParams,
    state: web::Data<HttpState>,
) -> Result<HttpResponse, ApiError> {
    let body = state.feed.home(caller.0, page.0, render).await?;
    Ok(HttpResponse::Ok()
        .insert_header(ContentType::json())
        .body(body))
}

/// `POST /feed/refresh`: drops the caller's cached first page; 204.
#[utoipa::path(
    post,
    path = "/v1/feed/refresh",
    operation_id = "refresh_feed",
    tag = "feed",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The cached first page is dropped"),
    ),
)]
pub async fn refresh(caller: AuthUser, state: web::Data<HttpState>) -> HttpResponse {
    state.feed.refresh(caller.0).await;
    HttpResponse::NoContent().finish()
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(home, refresh))]
pub(crate) struct Api;
