//! Routes for /v1/feed and /v1/feed/refresh (contract §2.6). The feed handler hands
//! `FeedService` the renderer of the finished body, so a cached first page goes out as the
//! stored bytes, with no serialisation.

use crate::dto::page::PageDto;
use crate::dto::post::PostDto;
use crate::error::ApiError;
use crate::extract::{AuthUser, BearerCaller, PageParams};
use crate::state::HttpState;
use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, web};
use ciel_app::feed::FeedRenderer;
use ciel_app::feed::cards::Card;
use ciel_app::{AppError, PostView};
use ciel_domain::Cursor;

/// Registers this area's routes in the `/v1` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/feed").route(web::get().to(home)))
        .service(web::resource("/feed/refresh").route(web::post().to(refresh)));
}

/// The feed page as the response body: a page of Post without counts or `primary_media`,
/// written around the cards (each a serialised `PostDto`) as `PageDto` would write it.
struct JsonFeed;

impl FeedRenderer for JsonFeed {
    fn card(&self, post: PostView) -> Result<Vec<u8>, AppError> {
        serde_json::to_vec(&PostDto::from(post)).map_err(AppError::internal)
    }

    fn page(&self, cards: &[Card], next_cursor: Option<Cursor>) -> Vec<u8> {
        let cursor = next_cursor.map(|c| c.to_string());
        let len = cards.iter().map(|c| c.len() + 1).sum::<usize>() + 64;
        let mut body = Vec::with_capacity(len);
        body.extend_from_slice(b"{\"items\":[");
        for (i, card) in cards.iter().enumerate() {
            if i > 0 {
                body.push(b',');
            }
            body.extend_from_slice(card);
        }
        body.extend_from_slice(b"],\"next_cursor\":");
        // Written by serde, exactly as `PageDto` writes it (writing to a Vec cannot fail).
        if serde_json::to_writer(&mut body, &cursor).is_err() {
            body.extend_from_slice(b"null");
        }
        body.push(b'}');
        body
    }
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
    caller: BearerCaller,
    page: PageParams,
    state: web::Data<HttpState>,
) -> Result<HttpResponse, ApiError> {
    let body = state.feed.home(caller.0, page.0, &JsonFeed).await?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use ciel_domain::posts::Post;
    use ciel_domain::visibility::PostVisibility;
    use ciel_domain::{Page, PostId, UserId};

    fn view(caption: &str) -> PostView {
        let mut view = PostView::bare(Post {
            id: PostId::generate(),
            owner_id: UserId::generate(),
            owner_handle: Some("ann".into()),
            owner_display_name: Some("Ann \"the\" <b>".into()),
            owner_avatar_key: Some("avatars/a.jpg".into()),
            caption: Some(caption.into()),
            media_ids: vec![ciel_domain::MediaId::generate()],
            visibility: PostVisibility::FollowersOnly,
            created_at: chrono::Utc::now(),
        });
        view.owner_avatar_url = Some("https://cdn.example/a.jpg?sig=1&x=2".into());
        view
    }

    /// The page written around cards is byte for byte what serialising the whole page gives.
    #[test]
    fn a_page_of_cards_is_the_serialised_page() {
        let views = vec![view("first \u{1F600}"), view("second\nline")];
        let cursor =
            Cursor::parse("2026-01-01T00:00:00Z/00000000-0000-0000-0000-000000000001").ok();
        for (views, cursor) in [(views.clone(), cursor), (views, None), (Vec::new(), None)] {
            let cards: Vec<Card> = views
                .iter()
                .map(|v| Card::from(JsonFeed.card(v.clone()).unwrap()))
                .collect();
            let expected = serde_json::to_vec(&PageDto::from_page(
                Page {
                    items: views,
                    next_cursor: cursor,
                },
                PostDto::from,
            ))
            .unwrap();
            assert_eq!(
                String::from_utf8(JsonFeed.page(&cards, cursor)).unwrap(),
                String::from_utf8(expected).unwrap()
            );
        }
    }
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(home, refresh))]
pub(crate) struct Api;
