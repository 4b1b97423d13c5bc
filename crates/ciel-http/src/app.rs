//! Builds the actix application: middleware, extractor settings and the route table.

use crate::extract::rejections;
use crate::middleware::edge::edge;
use crate::routes;
use crate::state::HttpState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, Error, web};

/// Largest accepted request body (contract §1.1): larger bodies get 413.
pub const BODY_LIMIT_BYTES: usize = 10 * 1024 * 1024;

/// The public API application. Production and tests both run exactly this.
pub fn build_app(
    state: HttpState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(web::Data::new(state))
        .app_data(rejections::json_config(BODY_LIMIT_BYTES))
        .app_data(rejections::query_config())
        .app_data(rejections::path_config())
        .app_data(web::PayloadConfig::new(BODY_LIMIT_BYTES))
        .wrap(from_fn(edge))
        .wrap(Compress::default())
        // Resources (not bare routes) so that a known path with another method is a 405.
        .service(web::resource("/health").get(routes::health::health))
        .service(web::resource("/ready").get(routes::health::ready))
        .service(web::resource("/metrics").get(routes::metrics::metrics_admin))
        .service(
            web::scope("/v1")
                .service(web::resource("/admin/invites").post(routes::admin::create_admin_invite))
                .service(web::resource("/moderation/audit").get(routes::admin::audit_log)),
        )
        .default_service(web::to(routes::fallback::not_found))
}

/// The private metrics listener's application (`METRICS_ADDR`): `/metrics` without the admin
/// token, and nothing else.
pub fn build_metrics_app(
    state: HttpState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(web::Data::new(state))
        .wrap(from_fn(edge))
        .service(web::resource("/metrics").get(routes::metrics::metrics_open))
        .default_service(web::to(routes::fallback::not_found))
}

/// The serverless worker's application (`APP_MODE=serverless-worker`): `GET /health` (database
/// ping) and nothing else yet; `POST /` runs a media job once the media pipeline lands.
pub fn build_lambda_app(
    state: HttpState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(web::Data::new(state))
        .app_data(web::PayloadConfig::new(BODY_LIMIT_BYTES))
        .wrap(from_fn(edge))
        .service(web::resource("/health").get(routes::health::health))
        .default_service(web::to(routes::fallback::not_found))
}
