//! The invite repository port.
//!
//! # Example
//!
//! Admin codes are inserted through the repository; a code that exists is a conflict:
//!
//! ```
//! use chrono::{Duration, Utc};
//! use ciel_domain::invites::{InviteType, NewInvite, is_well_formed_code};
//! use ciel_domain::ports::RepoError;
//!
//! let now = Utc::now();
//! let invite = NewInvite {
//!     code: "ABCDEFGHJKMN".into(),
//!     created_by: None,
//!     invite_type: InviteType::Admin,
//!     created_at: now,
//!     expires_at: now + Duration::days(7),
//! };
//! assert!(is_well_formed_code(&invite.code));
//! let taken = RepoError::Conflict("invites_pkey".into());
//! assert!(matches!(taken, RepoError::Conflict(c) if c == "invites_pkey"));
//! ```

use crate::UserId;
use crate::invites::{Invite, NewInvite};
use crate::ports::repo::RepoError;
use async_trait::async_trait;

/// Stores and reads invite codes.
#[async_trait]
pub trait InviteRepo: Send + Sync + 'static {
    /// Inserts a new code; `RepoError::Conflict` when the code already exists. Users' codes,
    /// which count against a quota, go through [`crate::ports::InviteStore`] instead.
    async fn insert(&self, invite: &NewInvite) -> Result<Invite, RepoError>;

    /// The code, if it exists (exact, case-sensitive match).
    async fn find(&self, code: &str) -> Result<Option<Invite>, RepoError>;

    /// Codes created by `creator`, newest first, at most `limit`.
    async fn list_by_creator(&self, creator: UserId, limit: i64) -> Result<Vec<Invite>, RepoError>;

    /// Sets `is_valid = false` on `code` when `creator` made it and it is still valid;
    /// `false` otherwise.
    async fn revoke(&self, code: &str, creator: UserId) -> Result<bool, RepoError>;
}
