//! The social graph on the wire: `SocialUserItem`, `Relationship`, block/unblock answers
//! (contract §1.8, §2.4).

use crate::dto::user::PublicUserDto;
use ciel_app::social::SocialUser;
use ciel_domain::graph::Relationship;
use ciel_domain::time::format_timestamp;
use ciel_domain::users::UserCounts;
use serde::Serialize;
use utoipa::ToSchema;

/// A follower or followee with the time of the follow. The user's counts are 0 in lists
/// (contract §1.8 allows it); the avatar URL is filled.
#[derive(Serialize, ToSchema)]
#[schema(as = SocialUserItem)]
pub struct SocialUserItemDto {
    user: PublicUserDto,
    #[schema(format = DateTime)]
    followed_at: String,
}

impl From<SocialUser> for SocialUserItemDto {
    fn from(s: SocialUser) -> Self {
        Self {
            followed_at: format_timestamp(&s.followed_at),
            user: PublicUserDto::new(s.user, UserCounts::default(), s.avatar_url),
        }
    }
}

/// How a user relates to the caller.
#[derive(Serialize, ToSchema)]
#[schema(as = Relationship)]
pub struct RelationshipDto {
    is_following: bool,
    is_followed_by: bool,
    is_blocking: bool,
    is_blocked_by: bool,
}

impl From<Relationship> for RelationshipDto {
    fn from(r: Relationship) -> Self {
        Self {
            is_following: r.is_following,
            is_followed_by: r.is_followed_by,
            is_blocking: r.is_blocking,
            is_blocked_by: r.is_blocked_by,
        }
    }
}

/// `POST /users/:id/block`: whether the block is new.
#[derive(Serialize, ToSchema)]
#[schema(as = Blocked)]
pub struct BlockedDto {
    /// True when newly blocked.
    pub blocked: bool,
}

/// `POST /users/:id/unblock`: whether there was a block.
#[derive(Serialize, ToSchema)]
#[schema(as = Unblocked)]
pub struct UnblockedDto {
    /// True when a block was removed.
    pub unblocked: bool,
}
