//! `TokenPair` and the auth request bodies on the wire.

use ciel_app::TokenPair;
use ciel_domain::time::format_timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Contract §1.8 TokenPair.
#[derive(Serialize, ToSchema)]
#[schema(as = TokenPair)]
pub struct TokenPairDto {
    access_token: String,
    refresh_token: String,
    #[schema(format = DateTime)]
    access_expires_at: String,
    #[schema(format = DateTime)]
    refresh_expires_at: String,
}

impl From<TokenPair> for TokenPairDto {
    fn from(p: TokenPair) -> Self {
        Self {
            access_expires_at: format_timestamp(&p.access.expires_at),
            refresh_expires_at: format_timestamp(&p.refresh.expires_at),
            access_token: p.access.token,
            refresh_token: p.refresh.token,
        }
    }
}

/// `POST /auth/login`: `email` may also be a handle.
#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    /// Email or handle.
    #[schema(min_length = 1)]
    pub email: String,
    /// Password (at most 128 bytes).
    #[schema(min_length = 1, max_length = 128)]
    pub password: String,
}

/// `POST /auth/refresh` and `POST /auth/revoke`.
#[derive(Deserialize, ToSchema)]
pub struct RefreshBody {
    /// The refresh token.
    #[schema(min_length = 1)]
    pub refresh_token: String,
}
