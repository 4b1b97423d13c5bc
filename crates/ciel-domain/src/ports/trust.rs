//! The trust port.
//!
//! # Example
//!
//! A use-case step over the store — lock, apply the rule, store — run on an in-memory store:
//!
//! ```
//! use async_trait::async_trait;
//! use chrono::Utc;
//! use ciel_domain::UserId;
//! use ciel_domain::ports::{RepoError, TrustStore};
//! use ciel_domain::time::Timestamp;
//! use ciel_domain::trust::{TrustEvent, TrustRecord};
//! use std::collections::HashMap;
//!
//! #[derive(Default)]
//! struct Rows(HashMap<UserId, TrustRecord>);
//!
//! #[async_trait]
//! impl TrustStore for Rows {
//!     async fn lock_trust(&mut self, user: UserId) -> Result<TrustRecord, RepoError> {
//!         Ok(self.0.entry(user).or_insert_with(TrustRecord::new).clone())
//!     }
//!     async fn store_trust(&mut self, user: UserId, r: &TrustRecord, _: Timestamp) -> Result<(), RepoError> {
//!         self.0.insert(user, r.clone());
//!         Ok(())
//!     }
//! }
//!
//! async fn earn(store: &mut dyn TrustStore, user: UserId, event: TrustEvent) -> Result<i32, RepoError> {
//!     let now = Utc::now();
//!     let mut record = store.lock_trust(user).await?;
//!     record.apply(event, now);
//!     store.store_trust(user, &record, now).await?;
//!     Ok(record.points)
//! }
//!
//! let (mut rows, ann) = (Rows::default(), UserId::generate());
//! futures_executor::block_on(async {
//!     assert_eq!(earn(&mut rows, ann, TrustEvent::PostCreated).await.unwrap(), 5);
//!     assert_eq!(earn(&mut rows, ann, TrustEvent::PostCreated).await.unwrap(), 10);
//! });
//! assert_eq!(rows.0[&ann].posts_count, 2);
//! ```

use crate::UserId;
use crate::ports::repo::RepoError;
use crate::time::Timestamp;
use crate::trust::TrustRecord;
use async_trait::async_trait;

/// Reads and changes trust records.
#[async_trait]
pub trait TrustRepo: Send + Sync + 'static {
    /// The user's record; `None` when there is none (counts as level 0).
    async fn get(&self, user: UserId) -> Result<Option<TrustRecord>, RepoError>;
}

/// Trust records inside a unit of work (see [`crate::ports::UnitOfWork`]): the use case locks
/// the row, applies [`TrustRecord::apply`] itself, and stores the result — all in the same
/// transaction as the action that earned or lost the points.
#[async_trait]
pub trait TrustStore: Send {
    /// Locks the user's trust row for the rest of the transaction, creating it at level 0 when
    /// missing, and returns it.
    async fn lock_trust(&mut self, user: UserId) -> Result<TrustRecord, RepoError>;

    /// Writes every field of `record` back to the user's row (and `updated_at = now`).
    async fn store_trust(
        &mut self,
        user: UserId,
        record: &TrustRecord,
        now: Timestamp,
    ) -> Result<(), RepoError>;
}
