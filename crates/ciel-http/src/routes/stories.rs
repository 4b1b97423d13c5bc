//! Routes for /v1/stories, highlights, /v1/users/{id}/stories|highlights and /v1/feed/stories (contract §2.11).

use actix_web::web;

/// Registers this area's routes in the `/v1` scope.
pub fn configure(_cfg: &mut web::ServiceConfig) {}
