//! The moderation repository port.

use crate::moderation::{ModerationAction, PostFlag, UserFlag};
use crate::pagination::{Page, PageRequest};
use crate::ports::repo::RepoError;
use crate::time::Timestamp;
use crate::{PostId, UserId};
use async_trait::async_trait;
use uuid::Uuid;

/// Why a report was refused.
#[derive(Debug, thiserror::Error)]
pub enum FlagError {
    /// The reported user (missing or deleted) or post (missing, or its owner deleted).
    #[error("target not found")]
    NotFound,
    /// The reporter owns the reported post.
    #[error("cannot report your own content")]
    OwnContent,
    /// The reporter already reported this target.
    #[error("already reported")]
    Duplicate,
    /// Storage failed.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// Reports, takedowns and the audit log. Every write records its audit row and trust change
/// in the same transaction.
#[async_trait]
pub trait ModerationRepo: Send + Sync + 'static {
    /// One page of the audit log, newest first (key `(created_at, id)` DESC).
    async fn list_actions(&self, page: PageRequest) -> Result<Page<ModerationAction>, RepoError>;

    /// Reports `target`: the flag, an audit row (`user_flag`, actor = reporter, target = the
    /// user), and `TrustEvent::FlagReceived` for the target.
    async fn flag_user(
        &self,
        reporter: UserId,
        target: UserId,
        reason: Option<&str>,
        now: Timestamp,
    ) -> Result<UserFlag, FlagError>;

    /// Reports `post`: the flag, an audit row (`post_flag`, target = the post), and
    /// `TrustEvent::FlagReceived` for the post's owner.
    async fn flag_post(
        &self,
        reporter: UserId,
        post: PostId,
        reason: Option<&str>,
        now: Timestamp,
    ) -> Result<PostFlag, FlagError>;

    /// Hard-deletes the post, audits (`post`) and applies `TrustEvent::ContentRemoved` to its
    /// owner; `false` when there is no such post.
    async fn take_down_post(
        &self,
        post: PostId,
        actor: Option<UserId>,
        reason: Option<&str>,
        now: Timestamp,
    ) -> Result<bool, RepoError>;

    /// Hard-deletes the comment, audits (`comment`) and applies `TrustEvent::ContentRemoved` to
    /// its author; `false` when there is no such comment.
    async fn take_down_comment(
        &self,
        comment: Uuid,
        actor: Option<UserId>,
        reason: Option<&str>,
        now: Timestamp,
    ) -> Result<bool, RepoError>;
}
