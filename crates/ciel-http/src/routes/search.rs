//! Routes for /v1/search/users and /v1/search/posts (contract §2.10).

use actix_web::web;

/// Registers this area's routes in the `/v1` scope.
pub fn configure(_cfg: &mut web::ServiceConfig) {}
