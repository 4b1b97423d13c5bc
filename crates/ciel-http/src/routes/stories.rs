//! Routes for /v1/stories, highlights, /v1/users/{id}/stories|highlights and /v1/feed/stories (contract §2.11).

use crate::dto::PageDto;
use crate::dto::story::{
    CreateStoryBody, HighlightBody, ReactionBody, StoryDto, StoryHighlightDto, StoryMetricsDto,
    StoryReactionDto, StoryViewDto,
};
use crate::error::ApiError;
use crate::extract::{AuthUser, JsonBody, PageParams};
use crate::state::HttpState;
use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, web};
use ciel_app::AppError;
use ciel_domain::{MediaId, StoryId, UserId};
use uuid::Uuid;

/// Registers this area's routes in the `/v1` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/stories").post(create))
        .service(web::resource("/stories/{id}").get(get).delete(delete))
        .service(web::resource("/stories/{id}/viewers").get(viewers))
        .service(
            web::resource("/stories/{id}/reactions")
                .post(react)
                .get(reactions)
                .delete(unreact),
        )
        .service(web::resource("/stories/{id}/seen").post(seen))
        .service(web::resource("/stories/{id}/metrics").get(metrics))
        .service(web::resource("/stories/{id}/highlights").post(add_to_highlight))
        .service(web::resource("/users/{id}/stories").get(user_stories))
        .service(web::resource("/users/{id}/highlights").get(user_highlights))
        .service(web::resource("/feed/stories").get(feed));
}

fn story_id(id: &Uuid) -> StoryId {
    StoryId::from(*id)
}

/// `POST /stories`.
#[utoipa::path(
    post,
    path = "/v1/stories",
    operation_id = "create_story",
    tag = "stories",
    security(("bearer" = [])),
    request_body = CreateStoryBody,
    responses(
        (status = 200, description = "The new story (expires 24 h after creation)", body = StoryDto),
        (status = 400, description = "`caption exceeds 2200 characters`"),
        (status = 403, description = "`media does not belong to you`"),
        (status = 404, description = "`media not found`"),
        (status = 422, description = "a missing or unknown `visibility`"),
    ),
)]
pub async fn create(
    caller: AuthUser,
    state: web::Data<HttpState>,
    body: JsonBody<CreateStoryBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let view = state
        .stories
        .create(
            caller.0,
            MediaId::from(b.media_id),
            b.caption,
            b.visibility.into(),
        )
        .await?;
    Ok(HttpResponse::Ok().json(StoryDto::from(view)))
}

/// `GET /stories/:id`.
#[utoipa::path(
    get,
    path = "/v1/stories/{id}",
    operation_id = "get_story",
    tag = "stories",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The story")),
    responses(
        (status = 200, description = "The story with its media", body = StoryDto),
        (status = 404, description = "`story not found` (missing, expired or not visible)"),
    ),
)]
pub async fn get(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view = state.stories.get(caller.0, story_id(&id)).await?;
    Ok(HttpResponse::Ok().json(StoryDto::from(view)))
}

/// `DELETE /stories/:id`.
#[utoipa::path(
    delete,
    path = "/v1/stories/{id}",
    operation_id = "delete_story",
    tag = "stories",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The caller's story")),
    responses(
        (status = 204, description = "Deleted with its views, reactions and highlight items"),
        (status = 404, description = "`story not found` (missing or not the owner)"),
    ),
)]
pub async fn delete(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.stories.delete(caller.0, story_id(&id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /stories/:id/viewers`.
#[utoipa::path(
    get,
    path = "/v1/stories/{id}/viewers",
    operation_id = "story_viewers",
    tag = "stories",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The caller's story"), crate::openapi::params::PageQuery),
    responses(
        (status = 200, description = "A page of viewers, newest view first", body = PageDto<StoryViewDto>),
        (status = 403, description = "`only the story owner can view viewers`"),
        (status = 404, description = "`story not found`"),
    ),
)]
pub async fn viewers(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
    page: PageParams,
) -> Result<HttpResponse, ApiError> {
    let page = state
        .stories
        .viewers(caller.0, story_id(&id), page.0)
        .await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, StoryViewDto::from)))
}

/// `POST /stories/:id/reactions`.
#[utoipa::path(
    post,
    path = "/v1/stories/{id}/reactions",
    operation_id = "react_story",
    tag = "stories",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The story")),
    request_body = ReactionBody,
    responses(
        (status = 200, description = "The caller's reaction (a new emoji replaces the old one)", body = StoryReactionDto),
        (status = 400, description = "`emoji cannot be empty` or `emoji must be at most 7 characters`"),
        (status = 404, description = "`story not found` (missing, expired or not visible)"),
    ),
)]
pub async fn react(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
    body: JsonBody<ReactionBody>,
) -> Result<HttpResponse, ApiError> {
    let reaction = state
        .stories
        .react(caller.0, story_id(&id), &body.0.emoji)
        .await?;
    Ok(HttpResponse::Ok().json(StoryReactionDto::from(reaction)))
}

/// `GET /stories/:id/reactions`.
#[utoipa::path(
    get,
    path = "/v1/stories/{id}/reactions",
    operation_id = "story_reactions",
    tag = "stories",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The story"), crate::openapi::params::PageQuery),
    responses(
        (status = 200, description = "A page of reactions, newest first", body = PageDto<StoryReactionDto>),
        (status = 404, description = "`story not found` (missing, expired or not visible)"),
    ),
)]
pub async fn reactions(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
    page: PageParams,
) -> Result<HttpResponse, ApiError> {
    let page = state
        .stories
        .reactions(caller.0, story_id(&id), page.0)
        .await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, StoryReactionDto::from)))
}

/// `DELETE /stories/:id/reactions`.
#[utoipa::path(
    delete,
    path = "/v1/stories/{id}/reactions",
    operation_id = "unreact_story",
    tag = "stories",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The story")),
    responses(
        (status = 204, description = "The caller's reaction is gone"),
        (status = 404, description = "`reaction not found`"),
    ),
)]
pub async fn unreact(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.stories.unreact(caller.0, story_id(&id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /stories/:id/seen`.
#[utoipa::path(
    post,
    path = "/v1/stories/{id}/seen",
    operation_id = "see_story",
    tag = "stories",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The story")),
    responses(
        (status = 204, description = "Recorded (once per viewer)"),
        (status = 404, description = "`story not found` (missing, expired or not visible)"),
    ),
)]
pub async fn seen(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.stories.seen(caller.0, story_id(&id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /stories/:id/metrics`.
#[utoipa::path(
    get,
    path = "/v1/stories/{id}/metrics",
    operation_id = "story_metrics",
    tag = "stories",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The caller's story")),
    responses(
        (status = 200, description = "Views and reactions of the story", body = StoryMetricsDto),
        (status = 404, description = "`story not found` (also for non-owners)"),
    ),
)]
pub async fn metrics(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let metrics = state.stories.metrics(caller.0, story_id(&id)).await?;
    Ok(HttpResponse::Ok().json(StoryMetricsDto::from(metrics)))
}

/// `POST /stories/:id/highlights`.
#[utoipa::path(
    post,
    path = "/v1/stories/{id}/highlights",
    operation_id = "add_to_highlight",
    tag = "stories",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The caller's story")),
    request_body = HighlightBody,
    responses(
        (status = 200, description = "The highlight (created when missing)", body = StoryHighlightDto),
        (status = 400, description = "`highlight_name cannot be empty` or a name over 50 characters"),
        (status = 404, description = "`story not found` (missing or not the owner)"),
    ),
)]
pub async fn add_to_highlight(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
    body: JsonBody<HighlightBody>,
) -> Result<HttpResponse, ApiError> {
    let highlight = state
        .stories
        .add_to_highlight(caller.0, story_id(&id), &body.0.highlight_name)
        .await?;
    Ok(HttpResponse::Ok().json(StoryHighlightDto::from(highlight)))
}

/// `GET /users/:id/stories`: active and visible, oldest first.
#[utoipa::path(
    get,
    path = "/v1/users/{id}/stories",
    operation_id = "user_stories",
    tag = "stories",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The author"), crate::openapi::params::PageQuery),
    responses(
        (status = 200, description = "A page of the user's active stories the caller may see, oldest first", body = PageDto<StoryDto>),
    ),
)]
pub async fn user_stories(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
    page: PageParams,
) -> Result<HttpResponse, ApiError> {
    let page = state
        .stories
        .user_stories(caller.0, UserId::from(*id), page.0)
        .await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, StoryDto::from)))
}

/// `GET /users/:id/highlights`.
#[utoipa::path(
    get,
    path = "/v1/users/{id}/highlights",
    operation_id = "user_highlights",
    tag = "stories",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user"), crate::openapi::params::PageQuery),
    responses(
        (status = 200, description = "A page of the user's highlights, oldest first", body = PageDto<StoryHighlightDto>),
    ),
)]
pub async fn user_highlights(
    _caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
    page: PageParams,
) -> Result<HttpResponse, ApiError> {
    let page = state
        .stories
        .user_highlights(UserId::from(*id), page.0)
        .await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, StoryHighlightDto::from)))
}

/// `GET /feed/stories`: the body comes from the cache as is on a first-page hit.
#[utoipa::path(
    get,
    path = "/v1/feed/stories",
    operation_id = "stories_feed",
    tag = "stories",
    security(("bearer" = [])),
    params(crate::openapi::params::PageQuery),
    responses(
        (status = 200, description = "A page of followed users' active stories, newest first", body = PageDto<StoryDto>),
    ),
)]
pub async fn feed(
    caller: AuthUser,
    state: web::Data<HttpState>,
    page: PageParams,
) -> Result<HttpResponse, ApiError> {
    let body = state
        .stories
        .feed_body(caller.0, page.0, |page| {
            serde_json::to_vec(&PageDto::from_page(page, StoryDto::from))
                .map_err(AppError::internal)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(ContentType::json())
        .body(body))
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    create,
    get,
    delete,
    viewers,
    react,
    reactions,
    unreact,
    seen,
    metrics,
    add_to_highlight,
    user_stories,
    user_highlights,
    feed
))]
pub(crate) struct Api;
