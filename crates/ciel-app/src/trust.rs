//! Trust changes inside a unit of work: lock the record, apply the domain rule
//! ([`TrustRecord::apply`], contract §3.5), store it — in the caller's transaction, so points
//! change together with the action that earned them.
//!
//! # Example
//!
//! Points change inside the caller's transaction:
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
//! use ciel_app::{AppError, trust, tx};
//! use ciel_domain::UserId;
//! use ciel_domain::trust::TrustEvent;
//!
//! let author = UserId::generate();
//! let earned = rt.block_on(tx::transact(&Busy, move |tx| {
//!     Box::pin(async move { trust::apply(tx, author, TrustEvent::PostCreated, Utc::now()).await })
//! }));
//! assert!(matches!(earned, Err(AppError::Unavailable { .. })));
//! ```

use crate::error::AppError;
use ciel_domain::UserId;
use ciel_domain::ports::Tx;
use ciel_domain::time::Timestamp;
use ciel_domain::trust::{TrustEvent, TrustRecord};

/// Applies `event` to `user`'s trust inside `tx` and returns the new record.
pub async fn apply(
    tx: &mut dyn Tx,
    user: UserId,
    event: TrustEvent,
    now: Timestamp,
) -> Result<TrustRecord, AppError> {
    let mut record = tx.lock_trust(user).await?;
    record.apply(event, now);
    tx.store_trust(user, &record, now).await?;
    Ok(record)
}
