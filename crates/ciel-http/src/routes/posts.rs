//! Routes for /v1/posts, likes, comments and /v1/users/{id}/posts (contract §2.5).

use actix_web::web;

/// Registers this area's routes in the `/v1` scope.
pub fn configure(_cfg: &mut web::ServiceConfig) {}
