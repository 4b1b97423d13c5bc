//! `TrustStore` on a unit of work's connection.

use super::PgTx;
use crate::repos::errors::repo_error;
use crate::repos::trust::{lock_in_tx, store_in_tx};
use async_trait::async_trait;
use ciel_domain::UserId;
use ciel_domain::ports::{RepoError, TrustStore};
use ciel_domain::time::Timestamp;
use ciel_domain::trust::TrustRecord;

#[async_trait]
impl TrustStore for PgTx<'_> {
    async fn lock_trust(&mut self, user: UserId) -> Result<TrustRecord, RepoError> {
        lock_in_tx(self.conn, user.as_uuid())
            .await
            .map_err(repo_error)
    }

    async fn store_trust(
        &mut self,
        user: UserId,
        record: &TrustRecord,
        now: Timestamp,
    ) -> Result<(), RepoError> {
        store_in_tx(self.conn, user.as_uuid(), record, now)
            .await
            .map_err(repo_error)
    }
}
