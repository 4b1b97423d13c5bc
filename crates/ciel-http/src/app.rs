//! Builds the actix application: middleware, extractor settings and the route table.

use crate::extract::rejections;
use crate::metrics::HttpMetrics;
use crate::middleware::edge::edge;
use crate::middleware::ratelimit::rate_limit;
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
        .wrap(from_fn(rate_limit))
        .wrap(from_fn(edge))
        .wrap(Compress::default())
        // Resources (not bare routes) so that a known path with another method is a 405.
        .service(web::resource("/health").get(routes::health::health))
        .service(web::resource("/ready").get(routes::health::ready))
        .service(web::resource("/metrics").get(routes::metrics::metrics_admin))
        .service(web::resource("/openapi.json").get(routes::openapi::openapi_json))
        .service(
            // Routes are matched in order, each pattern with a parameter by a regex: the feed
            // (the hottest route, all static) goes first.
            web::scope("/v1")
                .configure(routes::feed::configure)
                .service(web::resource("/auth/login").post(routes::auth::login))
                .service(web::resource("/auth/refresh").post(routes::auth::refresh))
                .service(web::resource("/auth/revoke").post(routes::auth::revoke))
                .service(web::resource("/auth/me").get(routes::auth::me))
                .service(web::resource("/users").post(routes::users::sign_up))
                .service(
                    web::resource("/users/{id}")
                        .get(routes::users::profile)
                        .patch(routes::users::update_profile),
                )
                .service(web::resource("/account").delete(routes::users::delete_account))
                .service(web::resource("/account/trust-score").get(routes::users::trust_score))
                .service(
                    web::resource("/account/device/register").post(routes::users::register_device),
                )
                .service(web::resource("/account/devices").get(routes::users::devices))
                .service(web::resource("/account/rate-limits").get(routes::users::rate_limits))
                .service(
                    web::resource("/invites")
                        .get(routes::invites::list)
                        .post(routes::invites::create),
                )
                .service(web::resource("/invites/stats").get(routes::invites::stats))
                .service(web::resource("/invites/validate/{code}").get(routes::invites::validate))
                .service(web::resource("/invites/{code}/revoke").post(routes::invites::revoke))
                .service(web::resource("/admin/invites").post(routes::admin::create_admin_invite))
                .service(web::resource("/moderation/audit").get(routes::admin::audit_log))
                .service(
                    web::resource("/moderation/users/{id}/flag")
                        .post(routes::moderation::flag_user),
                )
                .service(
                    web::resource("/moderation/posts/{id}/flag")
                        .post(routes::moderation::flag_post),
                )
                .service(
                    web::resource("/moderation/posts/{id}/takedown")
                        .post(routes::moderation::take_down_post),
                )
                .service(
                    web::resource("/moderation/comments/{id}/takedown")
                        .post(routes::moderation::take_down_comment),
                )
                .configure(routes::graph::configure)
                .configure(routes::posts::configure)
                .configure(routes::stories::configure)
                .configure(routes::notifications::configure)
                .configure(routes::search::configure)
                .configure(routes::media::configure),
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

/// A metrics-only application over `metrics` (the dedicated worker's `METRICS_ADDR`
/// listener, which serves no API).
pub fn build_registry_app(
    metrics: HttpMetrics,
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
        .app_data(web::Data::new(metrics))
        .wrap(from_fn(edge))
        .service(web::resource("/metrics").get(routes::metrics::metrics_of))
        .default_service(web::to(routes::fallback::not_found))
}

/// The serverless worker's application (`APP_MODE=serverless-worker`): `GET /health` (database
/// ping) and `POST /` (one media job: 200 done or failed permanently, 500 retry).
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
        .service(web::resource("/").post(routes::lambda::run_job))
        .default_service(web::to(routes::fallback::not_found))
}
