//! The account store: what sign-up and refresh rotation read and write inside a unit of work
//! (see [`crate::ports::UnitOfWork`]). It only reads and writes; the rules run in `ciel-app`.
//!
//! # Example
//!
//! Sign-up reads who holds a handle and an email before inserting:
//!
//! ```
//! use ciel_domain::ports::{AccountStanding, IdentityHolders};
//!
//! let holders = IdentityHolders { email_taken: true, ..IdentityHolders::default() };
//! // The handle is checked first, then the email (contract order).
//! let refusal = if holders.handle_taken {
//!     Some("handle already taken")
//! } else if holders.email_taken {
//!     Some("email already registered")
//! } else {
//!     None
//! };
//! assert_eq!(refusal, Some("email already registered"));
//! let standing = AccountStanding { deleted: false, banned_until: None };
//! assert!(!standing.deleted && standing.banned_until.is_none());
//! ```

use crate::UserId;
use crate::ports::repo::RepoError;
use crate::time::Timestamp;
use crate::users::{NewAccount, User};
use async_trait::async_trait;

/// Which of a handle and an email already belong to an account (deleted accounts included).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IdentityHolders {
    /// The handle is held.
    pub handle_taken: bool,
    /// The email is held.
    pub email_taken: bool,
}

/// What refresh rotation needs to know about an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccountStanding {
    /// Soft-deleted.
    pub deleted: bool,
    /// Banned until then, if the trust row says so.
    pub banned_until: Option<Timestamp>,
}

/// Accounts, inside a unit of work.
#[async_trait]
pub trait AccountStore: Send {
    /// Whether `handle` and `email` are held by any account (exact matches).
    async fn identity_holders(
        &mut self,
        handle: &str,
        email: &str,
    ) -> Result<IdentityHolders, RepoError>;

    /// Inserts the account, created at `now`. `None` when the handle or email was taken by a
    /// concurrent insert (nothing is written and the transaction stays usable).
    async fn insert_account(
        &mut self,
        account: &NewAccount,
        now: Timestamp,
    ) -> Result<Option<User>, RepoError>;

    /// Creates the user's trust row at level 0, created (and last active) at `now`.
    async fn create_trust_record(&mut self, user: UserId, now: Timestamp) -> Result<(), RepoError>;

    /// Deletion and ban state of the account; `None` when there is no such account.
    async fn account_standing(
        &mut self,
        user: UserId,
    ) -> Result<Option<AccountStanding>, RepoError>;
}
