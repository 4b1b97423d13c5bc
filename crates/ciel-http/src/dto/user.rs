//! `User`, `PublicUser` and the account request bodies on the wire.

use ciel_domain::time::format_timestamp;
use ciel_domain::users::{User, UserCounts};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The caller's own account (contract §1.8 User). The raw `avatar_key` is never sent.
#[derive(Serialize, ToSchema)]
#[schema(as = User)]
pub struct UserDto {
    #[schema(format = Uuid)]
    id: String,
    handle: String,
    email: String,
    display_name: String,
    #[schema(required)]
    bio: Option<String>,
    /// Presigned GET of the avatar, valid 4 h.
    #[schema(required)]
    avatar_url: Option<String>,
    #[schema(format = DateTime)]
    created_at: String,
}

impl UserDto {
    /// Builds the DTO with an already signed avatar URL.
    pub fn new(u: User, avatar_url: Option<String>) -> Self {
        Self {
            id: u.id.to_string(),
            handle: u.handle,
            email: u.email,
            display_name: u.display_name,
            bio: u.bio,
            avatar_url,
            created_at: format_timestamp(&u.created_at),
        }
    }
}

/// Another user's profile (contract §1.8 PublicUser).
#[derive(Serialize, ToSchema)]
#[schema(as = PublicUser)]
pub struct PublicUserDto {
    #[schema(format = Uuid)]
    id: String,
    handle: String,
    display_name: String,
    #[schema(required)]
    bio: Option<String>,
    #[schema(required)]
    avatar_url: Option<String>,
    #[schema(format = DateTime)]
    created_at: String,
    followers_count: i64,
    following_count: i64,
    posts_count: i64,
}

impl PublicUserDto {
    /// Builds the DTO with counts and an already signed avatar URL.
    pub fn new(u: User, counts: UserCounts, avatar_url: Option<String>) -> Self {
        Self {
            id: u.id.to_string(),
            handle: u.handle,
            display_name: u.display_name,
            bio: u.bio,
            avatar_url,
            created_at: format_timestamp(&u.created_at),
            followers_count: counts.followers,
            following_count: counts.following,
            posts_count: counts.posts,
        }
    }
}

/// `POST /users`.
#[derive(Deserialize, ToSchema)]
pub struct SignUpBody {
    /// 3–30 ASCII letters, digits or `_` (case-sensitive, unique).
    #[schema(pattern = "^[A-Za-z0-9_]{3,30}$")]
    pub handle: String,
    /// One `@`, a domain with a `.`; at most 254 bytes.
    #[schema(min_length = 3, max_length = 254)]
    pub email: String,
    /// Not blank, at most 50 bytes.
    #[schema(min_length = 1, max_length = 50)]
    pub display_name: String,
    /// 8–128 bytes with an uppercase letter, a lowercase letter and a digit.
    #[schema(min_length = 8, max_length = 128)]
    pub password: String,
    /// Invite code (a missing one is reported as `invite_code is required`).
    #[schema(required, nullable = false, min_length = 1)]
    pub invite_code: Option<String>,
    /// At most 500 bytes.
    #[schema(max_length = 500)]
    pub bio: Option<String>,
    /// Must be absent, `null` or `""` at sign-up (an account owns no media yet).
    pub avatar_key: Option<String>,
}

/// `PATCH /users/:id`: absent or null fields stay unchanged.
#[derive(Default, Deserialize, ToSchema)]
pub struct PatchUserBody {
    /// New display name (not blank, at most 50 bytes).
    #[schema(min_length = 1, max_length = 50)]
    pub display_name: Option<String>,
    /// New bio (at most 500 bytes; `""` empties it).
    #[schema(max_length = 500)]
    pub bio: Option<String>,
    /// A completed media id of the caller, or a key under `uploads/{caller}/` or
    /// `media/{caller}/`; `""` clears the avatar.
    pub avatar_key: Option<String>,
}
