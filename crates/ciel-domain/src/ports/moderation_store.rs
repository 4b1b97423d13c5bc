//! The moderation store: reports, takedowns and audit rows inside a unit of work, so the
//! report, its audit row and the trust change commit together. The rules run in `ciel-app`.
//!
//! # Example
//!
//! A takedown removes the row and appends its audit row in the same transaction:
//!
//! ```
//! use chrono::Utc;
//! use ciel_domain::moderation::{AuditTarget, NewModerationAction};
//! use ciel_domain::ports::{ModerationStore, RepoError};
//! use ciel_domain::{PostId, UserId};
//!
//! async fn take_down(store: &mut dyn ModerationStore, post: PostId, actor: Option<UserId>) -> Result<Option<UserId>, RepoError> {
//!     let Some(owner) = store.remove_post_for_takedown(post).await? else { return Ok(None) };
//!     store
//!         .record_moderation_action(&NewModerationAction {
//!             actor,
//!             target: AuditTarget::Post,
//!             target_id: post.as_uuid(),
//!             reason: Some("spam".into()),
//!             created_at: Utc::now(),
//!         })
//!         .await?;
//!     Ok(Some(owner))
//! }
//! # let _ = take_down;
//! assert_eq!(AuditTarget::Post.as_str(), "post");
//! assert_eq!(AuditTarget::UserFlag.as_str(), "user_flag");
//! ```

use crate::moderation::{NewModerationAction, PostFlag, UserFlag};
use crate::ports::repo::RepoError;
use crate::time::Timestamp;
use crate::{PostId, UserId};
use async_trait::async_trait;
use uuid::Uuid;

/// Reports, takedowns and the audit log, inside a unit of work.
#[async_trait]
pub trait ModerationStore: Send {
    /// Whether `user` exists and is not deleted; when so, the row is share-locked (it cannot be
    /// deleted) until the transaction ends.
    async fn share_lock_live_user(&mut self, user: UserId) -> Result<bool, RepoError>;

    /// The owner of `post` when the post exists and its owner is not deleted; both rows are
    /// share-locked until the transaction ends.
    async fn share_lock_post_owner(&mut self, post: PostId) -> Result<Option<UserId>, RepoError>;

    /// Stores a report of `target` by `reporter`; `None` when the reporter already reported
    /// them (nothing written, the transaction stays usable).
    async fn insert_user_flag(
        &mut self,
        reporter: UserId,
        target: UserId,
        reason: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<UserFlag>, RepoError>;

    /// Stores a report of `post` by `reporter`; `None` when already reported by them.
    async fn insert_post_flag(
        &mut self,
        reporter: UserId,
        post: PostId,
        reason: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<PostFlag>, RepoError>;

    /// Appends an audit row.
    async fn record_moderation_action(
        &mut self,
        action: &NewModerationAction,
    ) -> Result<(), RepoError>;

    /// Hard-deletes the post (its comments, likes and flags cascade); its owner, or `None`
    /// when there was no such post.
    async fn remove_post_for_takedown(&mut self, post: PostId)
    -> Result<Option<UserId>, RepoError>;

    /// Hard-deletes the comment; its author, or `None` when there was no such comment.
    async fn remove_comment_for_takedown(
        &mut self,
        comment: Uuid,
    ) -> Result<Option<UserId>, RepoError>;
}
