//! Routes for /v1/users/{id}/follow|unfollow|block|unblock|relationship|followers|following (contract §2.4).

use actix_web::web;

/// Registers this area's routes in the `/v1` scope.
pub fn configure(_cfg: &mut web::ServiceConfig) {}
