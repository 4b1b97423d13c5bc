//! `NotificationStore` on a unit of work's connection.

use super::PgTx;
use crate::repos::errors::repo_error;
use async_trait::async_trait;
use ciel_domain::notifications::NewNotification;
use ciel_domain::ports::{NotificationStore, RepoError};
use ciel_domain::time::Timestamp;
use ciel_schema::notifications as n;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

/// The payload as a JSON object of strings.
fn payload_json(notification: &NewNotification) -> serde_json::Value {
    serde_json::Value::Object(
        notification
            .payload
            .iter()
            .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String(v.clone())))
            .collect(),
    )
}

#[async_trait]
impl NotificationStore for PgTx<'_> {
    async fn insert_notification(
        &mut self,
        notification: &NewNotification,
        now: Timestamp,
    ) -> Result<(), RepoError> {
        diesel::insert_into(n::table)
            .values((
                n::user_id.eq(notification.recipient.as_uuid()),
                n::notification_type.eq(notification.kind.as_str()),
                n::payload.eq(payload_json(notification)),
                n::created_at.eq(now),
            ))
            .execute(self.conn)
            .await
            .map(|_| ())
            .map_err(repo_error)
    }
}
