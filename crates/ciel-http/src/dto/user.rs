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
    /// Handle.
    pub handle: String,
    /// Email.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Password.
    pub password: String,
    /// Invite code (a missing one is reported as `invite_code is required`).
    #[schema(required, nullable = false)]
    pub invite_code: Option<String>,
    /// Bio.
    pub bio: Option<String>,
    /// Avatar key.
    pub avatar_key: Option<String>,
}

/// `PATCH /users/:id`: absent or null fields stay unchanged.
#[derive(Default, Deserialize, ToSchema)]
pub struct PatchUserBody {
    /// New display name.
    pub display_name: Option<String>,
    /// New bio.
    pub bio: Option<String>,
    /// New avatar key.
    pub avatar_key: Option<String>,
}
