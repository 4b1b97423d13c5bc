//! Moderation: the audit log's entries.
//!
//! # Example
//!
//! ```
//! use ciel_domain::moderation::AuditTarget;
//!
//! let stored: Vec<&str> = [AuditTarget::UserFlag, AuditTarget::PostFlag, AuditTarget::Post, AuditTarget::Comment]
//!     .into_iter()
//!     .map(AuditTarget::as_str)
//!     .collect();
//! assert_eq!(stored, ["user_flag", "post_flag", "post", "comment"]);
//! ```

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

/// What an audit row is about (its `target_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditTarget {
    /// A report against a user; the target is the user.
    UserFlag,
    /// A report against a post; the target is the post.
    PostFlag,
    /// A post taken down.
    Post,
    /// A comment taken down.
    Comment,
}

impl AuditTarget {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UserFlag => "user_flag",
            Self::PostFlag => "post_flag",
            Self::Post => "post",
            Self::Comment => "comment",
        }
    }
}

/// An audit row to append.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewModerationAction {
    /// Who acted, when known.
    pub actor: Option<UserId>,
    /// What kind of thing it is about.
    pub target: AuditTarget,
    /// The thing's id.
    pub target_id: Uuid,
    /// Why, when given.
    pub reason: Option<String>,
    /// When.
    pub created_at: Timestamp,
}
