//! Typed helpers over the unit-of-work port: run a use case's closure inside one transaction
//! ([`transact`]) or on one connection ([`read`]), and get its own result and `AppError` back.
//!
//! The closure receives `&mut dyn Tx` — every store bound to the same connection — and returns
//! a boxed future (`Box::pin(async move { … })`). Returning `Err` rolls the transaction back;
//! the error comes back to the caller unchanged.
//!
//! # Example
//!
//! A unit of work whose pool has no connection to lend: the closure never runs, and the use
//! case answers 503 with `Retry-After: 1` instead of hanging.
//!
//! ```
//! use ciel_app::AppError;
//! use ciel_app::tx::transact;
//! use ciel_domain::UserId;
//! use ciel_domain::ports::{RepoError, TxAbort, TxWork, UnitOfWork};
//!
//! struct Busy;
//! #[async_trait::async_trait]
//! impl UnitOfWork for Busy {
//!     async fn transaction(&self, _: TxWork) -> Result<(), TxAbort> {
//!         Err(RepoError::Busy("pool timed out".into()).into())
//!     }
//!     async fn connection(&self, _: TxWork) -> Result<(), TxAbort> {
//!         Err(RepoError::Busy("pool timed out".into()).into())
//!     }
//! }
//!
//! let user = UserId::generate();
//! let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! let points = rt.block_on(transact(&Busy, move |tx| {
//!     Box::pin(async move { Ok(tx.lock_trust(user).await?.points) })
//! }));
//! assert!(matches!(points, Err(AppError::Unavailable { retry_after_secs: 1, .. })));
//! ```

use crate::error::AppError;
use ciel_domain::ports::{BoxFuture, Tx, TxAbort, TxWork, UnitOfWork};
use std::sync::{Arc, Mutex};

/// Where the closure leaves its outcome for the caller.
type Slot<T> = Arc<Mutex<Option<Result<T, AppError>>>>;

fn wrap<T, F>(work: F, slot: Slot<T>) -> TxWork
where
    T: Send + 'static,
    F: for<'t> FnOnce(&'t mut dyn Tx) -> BoxFuture<'t, Result<T, AppError>> + Send + 'static,
{
    Box::new(move |tx: &mut dyn Tx| {
        Box::pin(async move {
            let outcome = work(tx).await;
            let commit = outcome.is_ok();
            *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(outcome);
            if commit {
                Ok(())
            } else {
                Err(TxAbort::Abandoned)
            }
        })
    })
}

fn finish<T>(ran: Result<(), TxAbort>, slot: Slot<T>) -> Result<T, AppError> {
    let outcome = slot.lock().unwrap_or_else(|p| p.into_inner()).take();
    match (ran, outcome) {
        // The work's own decision (an Err rolled back, or an Ok that committed).
        (Ok(()), Some(outcome)) | (Err(TxAbort::Abandoned), Some(outcome)) => outcome,
        // Begin or commit failed, or a query failed and the work passed it on as a RepoError.
        (Err(TxAbort::Repo(err)), _) => Err(AppError::internal(err)),
        (_, None) => Err(AppError::internal(
            "the unit of work ended without an outcome",
        )),
    }
}

/// Runs `work` in one transaction: committed when it returns `Ok`, rolled back on `Err`.
pub async fn transact<T, F>(uow: &dyn UnitOfWork, work: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: for<'t> FnOnce(&'t mut dyn Tx) -> BoxFuture<'t, Result<T, AppError>> + Send + 'static,
{
    let slot: Slot<T> = Arc::new(Mutex::new(None));
    let ran = uow.transaction(wrap(work, slot.clone())).await;
    finish(ran, slot)
}

/// Runs `work` on one pooled connection without a transaction (reads).
pub async fn read<T, F>(uow: &dyn UnitOfWork, work: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: for<'t> FnOnce(&'t mut dyn Tx) -> BoxFuture<'t, Result<T, AppError>> + Send + 'static,
{
    let slot: Slot<T> = Arc::new(Mutex::new(None));
    let ran = uow.connection(wrap(work, slot.clone())).await;
    finish(ran, slot)
}
