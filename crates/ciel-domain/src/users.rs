//! Users: the account entity and what changes it.
//!
//! # Example
//!
//! ```
//! use ciel_domain::accounts::DisplayName;
//! use ciel_domain::users::ProfilePatch;
//!
//! // A patch names only what changes; the default changes nothing.
//! let patch = ProfilePatch {
//!     display_name: Some(DisplayName::parse("Ada L.").unwrap()),
//!     ..Default::default()
//! };
//! assert_eq!(patch.display_name.as_ref().map(DisplayName::as_str), Some("Ada L."));
//! assert!(ProfilePatch::default().bio.is_none());
//! ```

use crate::UserId;
use crate::accounts::{Bio, DisplayName, Email, Handle};
use crate::time::Timestamp;

/// A stored account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Its id.
    pub id: UserId,
    /// Unique, case-sensitive handle.
    pub handle: String,
    /// Unique email, as sent.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Bio, if any.
    pub bio: Option<String>,
    /// Avatar: a storage key or a processed media id (contract §0); never sent raw.
    pub avatar_key: Option<String>,
    /// Creation time.
    pub created_at: Timestamp,
    /// Soft-deletion time; a deleted user is invisible everywhere.
    pub deleted_at: Option<Timestamp>,
}

/// Real social counts of a user (for `GET /users/:id`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UserCounts {
    /// Users following them (deleted users excluded).
    pub followers: i64,
    /// Users they follow (deleted users excluded).
    pub following: i64,
    /// Their posts.
    pub posts: i64,
}

/// A validated sign-up.
#[derive(Clone, Debug)]
pub struct NewAccount {
    /// Handle.
    pub handle: Handle,
    /// Email.
    pub email: Email,
    /// Display name.
    pub display_name: DisplayName,
    /// Optional bio.
    pub bio: Option<Bio>,
    /// Optional avatar key.
    pub avatar_key: Option<String>,
    /// Argon2id PHC string.
    pub password_hash: String,
}

/// A validated profile update: `None` fields stay as they are.
#[derive(Clone, Debug, Default)]
pub struct ProfilePatch {
    /// New display name.
    pub display_name: Option<DisplayName>,
    /// New bio (`""` stores an empty bio).
    pub bio: Option<Bio>,
    /// New avatar key.
    pub avatar_key: Option<String>,
}

/// What login needs to know about an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    /// The account.
    pub user_id: UserId,
    /// Argon2id PHC string; empty means the account cannot log in.
    pub password_hash: String,
    /// Soft-deleted accounts cannot log in.
    pub deleted: bool,
    /// Banned until then, if set.
    pub banned_until: Option<Timestamp>,
}
