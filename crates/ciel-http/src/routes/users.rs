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
pub async fn profile(
    state: web::Data<HttpState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (user, counts) = state.accounts.profile(UserId::from(*id)).await?;
    let avatar = state.accounts.avatar_url(&user).await;
    Ok(HttpResponse::Ok().json(PublicUserDto::new(user, counts, avatar)))
}

/// `PATCH /users/:id`: only one's own profile.
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
pub async fn delete_account(
    caller: AuthUser,
    state: web::Data<HttpState>,
) -> Result<HttpResponse, ApiError> {
    state.accounts.delete(caller.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /account/trust-score`.
pub async fn trust_score(
    caller: AuthUser,
    state: web::Data<HttpState>,
) -> Result<HttpResponse, ApiError> {
    let (record, banned) = state.accounts.trust_score(caller.0).await?;
    Ok(HttpResponse::Ok().json(TrustScoreDto::new(caller.0, record, banned)))
}

/// `POST /account/device/register` (optional auth).
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
pub async fn rate_limits(
    caller: AuthUser,
    state: web::Data<HttpState>,
) -> Result<HttpResponse, ApiError> {
    let view = state.ratelimits.view(caller.0).await?;
    Ok(HttpResponse::Ok().json(crate::dto::safety::RateLimitsDto::from(view)))
}
