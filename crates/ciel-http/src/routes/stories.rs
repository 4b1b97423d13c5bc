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
pub async fn get(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view = state.stories.get(caller.0, story_id(&id)).await?;
    Ok(HttpResponse::Ok().json(StoryDto::from(view)))
}

/// `DELETE /stories/:id`.
pub async fn delete(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.stories.delete(caller.0, story_id(&id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /stories/:id/viewers`.
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
pub async fn unreact(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.stories.unreact(caller.0, story_id(&id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /stories/:id/seen`.
pub async fn seen(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.stories.seen(caller.0, story_id(&id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /stories/:id/metrics`.
pub async fn metrics(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let metrics = state.stories.metrics(caller.0, story_id(&id)).await?;
    Ok(HttpResponse::Ok().json(StoryMetricsDto::from(metrics)))
}

/// `POST /stories/:id/highlights`.
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
