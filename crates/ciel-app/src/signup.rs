//! The sign-up transaction (contract §3.6): lock the invite, check it, check the handle and
//! email, create the account and its trust record, consume the code, record the lineage and
//! reward the inviter — all or nothing. The rules run here; the stores only read and write.
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
//! use chrono::Utc;
//! use ciel_app::AppError;
//! use ciel_app::signup::create_account;
//! use ciel_domain::accounts::{DisplayName, Email, Handle};
//! use ciel_domain::users::NewAccount;
//!
//! let account = NewAccount {
//!     handle: Handle::parse("ada").unwrap(),
//!     email: Email::parse("ada@example.com").unwrap(),
//!     display_name: DisplayName::parse("Ada").unwrap(),
//!     bio: None,
//!     avatar_key: None,
//!     password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
//! };
//! let created = rt.block_on(create_account(&Busy, account, "ABCDEFGHJKMN".into(), Utc::now()));
//! assert!(matches!(created, Err(AppError::Unavailable { .. })), "all or nothing: nothing written");
//! ```

use crate::error::AppError;
use crate::trust;
use crate::tx::transact;
use ciel_domain::invites::InviteProblem;
use ciel_domain::ports::{IdentityHolders, UnitOfWork};
use ciel_domain::time::Timestamp;
use ciel_domain::trust::TrustEvent;
use ciel_domain::users::{NewAccount, User};

/// The 409 for a handle held by any account (deleted ones included).
pub const HANDLE_TAKEN: &str = "Handle already taken";
/// The 409 for an email held by any account (deleted ones included).
pub const EMAIL_TAKEN: &str = "Email already taken";

fn refused(problem: InviteProblem) -> AppError {
    AppError::Invalid(problem.to_string())
}

/// Refuses a held handle, then a held email, so a double collision reports the handle.
fn check_free(holders: IdentityHolders) -> Result<(), AppError> {
    if holders.handle_taken {
        return Err(AppError::Conflict(HANDLE_TAKEN.into()));
    }
    if holders.email_taken {
        return Err(AppError::Conflict(EMAIL_TAKEN.into()));
    }
    Ok(())
}

/// Creates `account` with `invite_code` at `now` in one transaction. The invite row stays
/// locked until commit, so two concurrent sign-ups on a single-use code cannot both succeed.
/// Refusals: 400 with the invite problem (in the contract's order), 409 for a taken handle or
/// email; nothing is written then.
pub async fn create_account(
    uow: &dyn UnitOfWork,
    account: NewAccount,
    invite_code: String,
    now: Timestamp,
) -> Result<User, AppError> {
    transact(uow, move |tx| {
        Box::pin(async move {
            let invite = tx
                .lock_invite(&invite_code)
                .await?
                .ok_or(refused(InviteProblem::Unknown))?;
            invite.check_consumable(now).map_err(refused)?;
            let (handle, email) = (account.handle.as_str(), account.email.as_str());
            check_free(tx.identity_holders(handle, email).await?)?;
            let Some(user) = tx.insert_account(&account, now).await? else {
                // A concurrent sign-up took the handle or the email after our check.
                let holders = tx.identity_holders(handle, email).await?;
                check_free(holders)?;
                return Err(AppError::Conflict(HANDLE_TAKEN.into()));
            };
            let used = invite.consume(user.id, now).map_err(refused)?;
            tx.record_invite_use(&invite.code, &used).await?;
            tx.create_trust_record(user.id, now).await?;
            if let Some(inviter) = invite.created_by {
                tx.record_invite_lineage(inviter, user.id, &invite.code, now)
                    .await?;
                trust::apply(tx, inviter, TrustEvent::SuccessfulInvite, now).await?;
            }
            Ok(user)
        })
    })
    .await
}
