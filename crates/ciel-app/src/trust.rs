//! Trust changes inside a unit of work: lock the record, apply the domain rule
//! ([`TrustRecord::apply`], contract §3.5), store it — in the caller's transaction, so points
//! change together with the action that earned them.

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
