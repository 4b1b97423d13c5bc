//! `/v1/users` and `/v1/account`: sign-up, profiles, deletion, trust score, devices.

use crate::dto::safety::{DeviceBody, DeviceDto, TrustScoreDto};
use crate::dto::user::{PatchUserBody, PublicUserDto, SignUpBody, UserDto};
use crate::error::ApiError;
use crate::extract::{AuthUser, JsonBody, MaybeUser};
use crate::state::HttpState;
use actix_web::http::header::USER_AGENT;
use actix_web::{HttpRequest, HttpResponse, web};
use ciel_app::{ProfileUpdate, SignUpRequest};
use ciel_domain::UserId;
use uuid::Uuid;

/// `POST /users`: sign up with an invite code; answers 200 with the new User.
#[utoipa::path(
    post,
    path = "/v1/users",
    operation_id = "sign_up",
    tag = "accounts",
    request_body = SignUpBody,
    responses(
        (status = 200, description = "The new account", body = UserDto),
        (status = 400, description = "A field breaks its rule (checked in the order handle, email, display_name, bio, password, `invite_code is required`), `invalid avatar`, or the invite: `Invalid invite code`, `Invite code has been revoked`, `Invite code has expired`, `Invite code has been fully used`"),
        (status = 409, description = "`Handle already taken` or `Email already taken`"),
        (status = 429, description = "IP limit (`signup`, `IP_SIGNUP_RATE_LIMIT` per day)"),
    ),
)]
pub async fn sign_up(
    state: web::Data<HttpState>,
    body: JsonBody<SignUpBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let user = state
        .auth
        .sign_up(SignUpRequest {
            handle: b.handle,
            email: b.email,
            display_name: b.display_name,
            password: b.password,
            invite_code: b.invite_code,
            bio: b.bio,
            avatar_key: b.avatar_key,
        })
        .await?;
    let avatar = state.accounts.avatar_url(&user).await;
    Ok(HttpResponse::Ok().json(UserDto::new(user, avatar)))
}

/// `GET /users/:id`: a public profile with real counts.
#[utoipa::path(
    get,
    path = "/v1/users/{id}",
    operation_id = "get_user",
    tag = "accounts",
    params(("id" = Uuid, Path, description = "The user")),
    responses(
        (status = 200, description = "The public profile with real counts", body = PublicUserDto),
        (status = 404, description = "`user not found` (unknown or deleted)"),
    ),
)]
pub async fn profile(
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (user, counts) = state.accounts.profile(UserId::from(*id)).await?;
    let avatar = state.accounts.avatar_url(&user).await;
    Ok(HttpResponse::Ok().json(PublicUserDto::new(user, counts, avatar)))
}

/// `PATCH /users/:id`: only one's own profile.
#[utoipa::path(
    patch,
    path = "/v1/users/{id}",
    operation_id = "update_user",
    tag = "accounts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The caller's own id")),
    request_body = PatchUserBody,
    responses(
        (status = 200, description = "The updated account", body = UserDto),
        (status = 400, description = "`display_name cannot be empty`, a length limit, or `invalid avatar`"),
        (status = 403, description = "`cannot update other users`"),
        (status = 404, description = "`user not found`"),
    ),
)]
pub async fn update_profile(
    caller: AuthUser,
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
    body: JsonBody<PatchUserBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let user = state
        .accounts
        .update_profile(
            caller.0,
            UserId::from(*id),
            ProfileUpdate {
                display_name: b.display_name,
                bio: b.bio,
                avatar_key: b.avatar_key,
            },
        )
        .await?;
    let avatar = state.accounts.avatar_url(&user).await;
    Ok(HttpResponse::Ok().json(UserDto::new(user, avatar)))
}

/// `DELETE /account`: soft delete.
#[utoipa::path(
    delete,
    path = "/v1/account",
    operation_id = "delete_account",
    tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Soft-deleted: sessions revoked, follows and blocks removed"),
        (status = 404, description = "`user not found` (already deleted)"),
    ),
)]
pub async fn delete_account(
    caller: AuthUser,
    state: web::Data<HttpState>,
) -> Result<HttpResponse, ApiError> {
    state.accounts.delete(caller.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /account/trust-score`.
#[utoipa::path(
    get,
    path = "/v1/account/trust-score",
    operation_id = "trust_score",
    tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's trust record", body = TrustScoreDto),
        (status = 404, description = "`trust score not found`"),
    ),
)]
pub async fn trust_score(
    caller: AuthUser,
    state: web::Data<HttpState>,
) -> Result<HttpResponse, ApiError> {
    let (record, banned) = state.accounts.trust_score(caller.0).await?;
    Ok(HttpResponse::Ok().json(TrustScoreDto::new(caller.0, record, banned)))
}

/// `POST /account/device/register` (optional auth).
#[utoipa::path(
    post,
    path = "/v1/account/device/register",
    operation_id = "register_device",
    tag = "accounts",
    security((), ("bearer" = [])),
    request_body = DeviceBody,
    responses(
        (status = 204, description = "Registered (and linked to the caller when authenticated)"),
        (status = 400, description = "`fingerprint is required`, or a fingerprint over 512 bytes"),
        (status = 403, description = "`This device has been blocked`"),
        (status = 429, description = "IP limit (`device_register`, 30 per hour)"),
    ),
)]
pub async fn register_device(
    req: HttpRequest,
    caller: MaybeUser,
    state: web::Data<HttpState>,
    body: JsonBody<DeviceBody>,
) -> Result<HttpResponse, ApiError> {
    let fingerprint = body.0.fingerprint.unwrap_or_default();
    let user_agent = req.headers().get(USER_AGENT).and_then(|v| v.to_str().ok());
    state
        .devices
        .register(&fingerprint, caller.0, user_agent)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /account/devices`: a bare array.
#[utoipa::path(
    get,
    path = "/v1/account/devices",
    operation_id = "devices",
    tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The devices linked to the caller, most recently seen first", body = Vec<DeviceDto>),
    ),
)]
pub async fn devices(
    caller: AuthUser,
    state: web::Data<HttpState>,
) -> Result<HttpResponse, ApiError> {
    let list: Vec<DeviceDto> = state
        .devices
        .list(caller.0)
        .await?
        .into_iter()
        .map(DeviceDto::from)
        .collect();
    Ok(HttpResponse::Ok().json(list))
}

/// `GET /account/rate-limits`: the caller's limits and what is left of each hourly window.
#[utoipa::path(
    get,
    path = "/v1/account/rate-limits",
    operation_id = "rate_limits",
    tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's limits and what is left of each hourly window", body = crate::dto::safety::RateLimitsDto),
        (status = 404, description = "`user not found`"),
    ),
)]
pub async fn rate_limits(
    caller: AuthUser,
    state: web::Data<HttpState>,
) -> Result<HttpResponse, ApiError> {
    let view = state.ratelimits.view(caller.0).await?;
    Ok(HttpResponse::Ok().json(crate::dto::safety::RateLimitsDto::from(view)))
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    sign_up,
    profile,
    update_profile,
    delete_account,
    trust_score,
    register_device,
    devices,
    rate_limits
))]
pub(crate) struct Api;
