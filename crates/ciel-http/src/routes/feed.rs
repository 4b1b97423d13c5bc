//! Routes for /v1/feed and /v1/feed/refresh (contract §2.6).

use actix_web::web;

/// Registers this area's routes in the `/v1` scope.
pub fn configure(_cfg: &mut web::ServiceConfig) {}
