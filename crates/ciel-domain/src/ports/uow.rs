//! The unit-of-work port: run a use case's decisions against repositories bound to one
//! database transaction (or, for reads, to one pooled connection without a transaction).
//!
//! A use case hands the port a closure; the adapter lends it a [`Tx`] — one object that
//! implements every store trait over the same connection — and commits when the closure
//! returns `Ok`, rolls back when it returns `Err`. So an action and everything it implies (the
//! edge, a counter, a notification, trust points) change together or not at all, while the
//! rules themselves stay in `ciel-app` and the repositories only read and write.
//!
//! `ciel-app::tx` wraps this port in typed helpers (`transact`, `read`) that carry the use
//! case's own result and error through.
//!
//! # Example
//!
//! A failed store call aborts the unit of work, which rolls back; `?` converts the error:
//!
//! ```
//! use ciel_domain::ports::{RepoError, Tx, TxAbort, TxWork};
//! use ciel_domain::UserId;
//!
//! fn touch(user: UserId) -> TxWork {
//!     Box::new(move |tx: &mut dyn Tx| {
//!         Box::pin(async move {
//!             let _record = tx.lock_trust(user).await?; // RepoError -> TxAbort::Repo
//!             Ok(())
//!         })
//!     })
//! }
//! # let _ = touch(UserId::generate());
//! let abort = TxAbort::from(RepoError::Unavailable("connection reset".into()));
//! assert!(matches!(abort, TxAbort::Repo(RepoError::Unavailable(_))));
//! assert_eq!(TxAbort::Abandoned.to_string(), "the unit of work was abandoned by its caller");
//! ```

use crate::ports::account_store::AccountStore;
use crate::ports::device_store::DeviceStore;
use crate::ports::feed::FeedStore;
use crate::ports::graph::GraphStore;
use crate::ports::invite_store::InviteStore;
use crate::ports::maintenance::MaintenanceStore;
use crate::ports::media::MediaStore;
use crate::ports::moderation_store::ModerationStore;
use crate::ports::notifications::NotificationStore;
use crate::ports::outbox::OutboxStore;
use crate::ports::posts::PostStore;
use crate::ports::repo::RepoError;
use crate::ports::search::SearchStore;
use crate::ports::session_store::SessionStore;
use crate::ports::stories::StoryStore;
use crate::ports::trust::TrustStore;
use crate::ports::uploads::UploadStore;
use async_trait::async_trait;
use std::future::Future;
use std::pin::Pin;

/// A boxed, sendable future borrowing for `'t`.
pub type BoxFuture<'t, T> = Pin<Box<dyn Future<Output = T> + Send + 't>>;

/// Repositories bound to one connection (and, in [`UnitOfWork::transaction`], one transaction).
/// Every store trait a use case may combine is a supertrait, so `&mut dyn Tx` reaches them all.
pub trait Tx:
    GraphStore
    + MediaStore
    + PostStore
    + StoryStore
    + NotificationStore
    + TrustStore
    + AccountStore
    + InviteStore
    + SessionStore
    + DeviceStore
    + ModerationStore
    + MaintenanceStore
    + SearchStore
    + FeedStore
    + UploadStore
    + OutboxStore
    + Send
{
}

/// Why a unit of work did not commit.
#[derive(Debug, thiserror::Error)]
pub enum TxAbort {
    /// The work itself decided to stop; the caller knows why (it kept the reason).
    #[error("the unit of work was abandoned by its caller")]
    Abandoned,
    /// Storage failed (begin, a query, or commit).
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// The work a unit of work runs: gets the repositories, returns `Ok` to commit.
pub type TxWork =
    Box<dyn for<'t> FnOnce(&'t mut dyn Tx) -> BoxFuture<'t, Result<(), TxAbort>> + Send>;

/// Runs work against repositories that share one connection.
#[async_trait]
pub trait UnitOfWork: Send + Sync + 'static {
    /// Runs `work` inside one transaction: committed when it returns `Ok`, rolled back
    /// otherwise (and when the process dies midway).
    async fn transaction(&self, work: TxWork) -> Result<(), TxAbort>;

    /// Runs `work` on one pooled connection without a transaction (each statement commits on
    /// its own): for reads, which need no `BEGIN`/`COMMIT` round trips.
    async fn connection(&self, work: TxWork) -> Result<(), TxAbort>;
}
