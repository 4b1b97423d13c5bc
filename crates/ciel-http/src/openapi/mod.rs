//! The OpenAPI 3.1 description of the public API, generated from the code: each handler's
//! `#[utoipa::path]` annotation (collected per route module in its `Api`), the wire DTOs'
//! `ToSchema` derives, and the shared error rules of [`errors`]. Served at `GET /openapi.json`
//! and committed as `docs/openapi.json` (a test keeps the copy fresh; `cargo xtask openapi`
//! rewrites it). The serverless worker's `POST /` and the private metrics listener are other
//! servers and not part of it.

pub mod errors;
pub mod names;
pub mod params;

use crate::routes;
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ciel API",
        description = "The Ciel v1 HTTP API: product routes under `/v1`, operational routes at the \
            root. Every error body is `{\"error\": \"…\", \"message\": \"…\"}` (the same text \
            twice). Ids are lowercase UUIDs and timestamps RFC 3339 in UTC. Lists take \
            `?limit=&cursor=` and answer `{\"items\": […], \"next_cursor\": string|null}`."
    ),
    tags(
        (name = "operations", description = "Health, readiness, metrics and this document"),
        (name = "auth", description = "Tokens (PASETO v4.local)"),
        (name = "accounts", description = "Sign-up, profiles and one's own account"),
        (name = "invites", description = "Invite codes"),
        (name = "graph", description = "Follows, blocks and relationships"),
        (name = "posts", description = "Posts, likes and comments"),
        (name = "feed", description = "The home feed"),
        (name = "stories", description = "Stories and highlights"),
        (name = "media", description = "Uploads and processed media"),
        (name = "notifications", description = "The caller's notifications"),
        (name = "search", description = "Users and public posts"),
        (name = "moderation", description = "Reports, takedowns and the audit log"),
    )
)]
struct ApiDoc;

/// The document, as the routes and DTOs of this build describe it.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    for part in [
        routes::health::Api::openapi(),
        routes::metrics::Api::openapi(),
        routes::openapi::Api::openapi(),
        routes::auth::Api::openapi(),
        routes::users::Api::openapi(),
        routes::invites::Api::openapi(),
        routes::admin::Api::openapi(),
        routes::moderation::Api::openapi(),
        routes::graph::Api::openapi(),
        routes::posts::Api::openapi(),
        routes::feed::Api::openapi(),
        routes::stories::Api::openapi(),
        routes::notifications::Api::openapi(),
        routes::search::Api::openapi(),
        routes::media::Api::openapi(),
    ] {
        doc.merge(part);
    }
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("PASETO v4.local")
                .description(Some("`Authorization: Bearer <access_token>`"))
                .build(),
        ),
    );
    components.add_security_scheme(
        "admin_token",
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "x-admin-token",
            "The operators' shared secret (`ADMIN_TOKEN`)",
        ))),
    );
    errors::complete(&mut doc);
    doc
}

/// The document as pretty-printed JSON with a final newline, as served and committed.
pub fn document_json() -> String {
    let mut text = serde_json::to_string_pretty(&document()).expect("the document serialises");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests;
