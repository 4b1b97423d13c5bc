//! Follows, unfollows, blocks, relationships, follower and following lists (contract §2.4,
//! §3.1). Each write runs in one transaction through the unit of work: the edge, the trust
//! points and the notification change together or not at all. After a write, the viewer's
//! cached feed pages are dropped (§3.2); a cache failure is logged, never returned.
//!
//! # Example
//!
//! ```
//! # use ciel_app::{AvatarUrls, CoreDeps, MediaUrls, SystemClock};
//! # use ciel_domain::ports::{RepoError, TxAbort, TxWork, UnitOfWork};
//! # use std::sync::Arc;
//! # /// A unit of work whose pool never has a connection to lend (see `ciel_app::tx`).
//! # struct Busy;
//! # #[async_trait::async_trait]
//! # impl UnitOfWork for Busy {
//! #     async fn transaction(&self, _: TxWork) -> Result<(), TxAbort> {
//! #         Err(RepoError::Busy("pool timed out".into()).into())
//! #     }
//! #     async fn connection(&self, _: TxWork) -> Result<(), TxAbort> {
//! #         Err(RepoError::Busy("pool timed out".into()).into())
//! #     }
//! # }
//! # fn deps() -> CoreDeps {
//! #     CoreDeps {
//! #         uow: Arc::new(Busy),
//! #         cache: None,
//! #         store: None,
//! #         avatars: AvatarUrls::new(None, None),
//! #         media_urls: MediaUrls::new(None),
//! #         clock: Arc::new(SystemClock),
//! #         cards: ciel_app::feed::PostCards::disabled(),
//! #     }
//! # }
//! # let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! use ciel_app::{AppError, SocialService};
//! use ciel_domain::UserId;
//!
//! let social = SocialService::new(deps());
//! let (ann, bob) = (UserId::generate(), UserId::generate());
//! rt.block_on(async {
//!     // Refused by rule, before any transaction.
//!     let own = social.follow(ann, ann).await.unwrap_err();
//!     assert!(matches!(own, AppError::Invalid(_)), "{own:?}");
//!     // A follow that cannot get a connection: 503, nothing written.
//!     assert!(matches!(social.follow(ann, bob).await, Err(AppError::Unavailable { .. })));
//! });
//! ```

mod edges;
mod invalidate;
mod lists;

use crate::deps::CoreDeps;
use crate::error::AppError;
use ciel_domain::UserId;
use ciel_domain::time::Timestamp;
use ciel_domain::users::User;

pub use invalidate::invalidate_feeds;

/// Follows, unfollows, blocks, relationships, follower and following lists (contract §2.4, §3.1).
#[derive(Clone)]
pub struct SocialService {
    deps: CoreDeps,
}

impl SocialService {
    /// A service over the shared dependencies.
    pub fn new(deps: CoreDeps) -> Self {
        Self { deps }
    }
}

/// An entry of a follower or following list, ready for the wire: the user on the other side,
/// their avatar URL, and when the follow was created.
#[derive(Clone, Debug)]
pub struct SocialUser {
    /// The follower or followee.
    pub user: User,
    /// Their avatar URL (presigned), if they have an avatar.
    pub avatar_url: Option<String>,
    /// When the follow was created.
    pub followed_at: Timestamp,
}

/// What the caller may not do to themselves, with the contract's message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelfAction {
    /// `POST /users/:id/follow`.
    Follow,
    /// `POST /users/:id/unfollow`.
    Unfollow,
    /// `POST /users/:id/block`.
    Block,
    /// `POST /users/:id/unblock`.
    Unblock,
}

impl SelfAction {
    fn message(self) -> &'static str {
        match self {
            Self::Follow => "cannot follow yourself",
            Self::Unfollow => "cannot unfollow yourself",
            Self::Block => "cannot block yourself",
            Self::Unblock => "cannot unblock yourself",
        }
    }
}

/// Refuses `action` when the caller targets themselves (400).
pub fn refuse_self(caller: UserId, target: UserId, action: SelfAction) -> Result<(), AppError> {
    if caller == target {
        Err(AppError::Invalid(action.message().to_owned()))
    } else {
        Ok(())
    }
}

/// 404 for an unknown or soft-deleted target.
fn user_not_found() -> AppError {
    AppError::NotFound("user not found".to_owned())
}

/// 403 when the followee has reached the follower limit.
fn follower_limit() -> AppError {
    AppError::Forbidden("user has reached the follower limit".to_owned())
}

/// The caller's own row vanished mid-request (deleted concurrently): their token is no longer
/// good.
fn caller_gone() -> AppError {
    AppError::Unauthenticated("invalid or expired token".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_actions_are_refused_with_the_contract_messages() {
        let me = UserId::generate();
        let other = UserId::generate();
        for (action, message) in [
            (SelfAction::Follow, "cannot follow yourself"),
            (SelfAction::Unfollow, "cannot unfollow yourself"),
            (SelfAction::Block, "cannot block yourself"),
            (SelfAction::Unblock, "cannot unblock yourself"),
        ] {
            match refuse_self(me, me, action) {
                Err(AppError::Invalid(m)) => assert_eq!(m, message),
                other => panic!("{action:?}: {other:?}"),
            }
            assert!(refuse_self(me, other, action).is_ok());
        }
    }
}
