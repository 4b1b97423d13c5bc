//! Moderation: the audit log's entries.

use crate::time::Timestamp;
use crate::{UserId, pagination::Cursor};
use uuid::Uuid;

/// One audited moderation action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModerationAction {
    /// Its id.
    pub id: Uuid,
    /// Who acted (the reporter, or the admin's bearer user); `None` when unknown.
    pub actor_id: Option<UserId>,
    /// `user_flag`, `post_flag`, `post` or `comment`.
    pub target_type: String,
    /// The target's id.
    pub target_id: Uuid,
    /// Why, when given.
    pub reason: Option<String>,
    /// When.
    pub created_at: Timestamp,
}

impl ModerationAction {
    /// The audit log's sort key.
    pub fn cursor(&self) -> Cursor {
        Cursor {
            ts: self.created_at,
            id: self.id,
        }
    }
}

/// A report against a user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserFlag {
    /// Its id.
    pub id: Uuid,
    /// Who reported.
    pub reporter_id: UserId,
    /// Who was reported.
    pub target_id: UserId,
    /// Why, when given.
    pub reason: Option<String>,
    /// When.
    pub created_at: Timestamp,
}

/// A report against a post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostFlag {
    /// Its id.
    pub id: Uuid,
    /// Who reported.
    pub reporter_id: UserId,
    /// The post.
    pub post_id: crate::PostId,
    /// Why, when given.
    pub reason: Option<String>,
    /// When.
    pub created_at: Timestamp,
}
