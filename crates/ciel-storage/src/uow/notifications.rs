//! `NotificationStore` on a unit of work's connection: insert (in the causing action's
//! transaction), the recipient's list and mark-read.

use super::PgTx;
use crate::repos::errors::repo_error;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ciel_domain::notifications::{NewNotification, Notification};
use ciel_domain::pagination::PageRequest;
use ciel_domain::ports::{NotificationStore, RepoError};
use ciel_domain::time::Timestamp;
use ciel_domain::{NotificationId, UserId};
use ciel_schema::notifications as n;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

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

/// A `notifications` row.
#[derive(Queryable, Selectable)]
#[diesel(table_name = n, check_for_backend(diesel::pg::Pg))]
struct NotificationRow {
    id: Uuid,
    user_id: Uuid,
    notification_type: String,
    payload: serde_json::Value,
    read_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl NotificationRow {
    fn into_domain(self) -> Notification {
        Notification {
            id: NotificationId::from(self.id),
            user_id: UserId::from(self.user_id),
            kind: self.notification_type,
            payload_json: self.payload.to_string(),
            read_at: self.read_at,
            created_at: self.created_at,
        }
    }
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

    async fn list_notifications(
        &mut self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Vec<Notification>, RepoError> {
        let mut query = n::table
            .filter(n::user_id.eq(user.as_uuid()))
            .select(NotificationRow::as_select())
            .order((n::created_at.desc(), n::id.desc()))
            .limit(page.limit.fetch_count())
            .into_boxed();
        if let Some(c) = page.after {
            // `created_at <= ts` bounds the index range; the rest is the strict keyset step.
            query = query.filter(
                n::created_at
                    .le(c.ts)
                    .and(n::created_at.lt(c.ts).or(n::id.lt(c.id))),
            );
        }
        query
            .load::<NotificationRow>(self.conn)
            .await
            .map(|rows| rows.into_iter().map(NotificationRow::into_domain).collect())
            .map_err(repo_error)
    }

    async fn mark_notification_read(
        &mut self,
        user: UserId,
        id: NotificationId,
        now: Timestamp,
    ) -> Result<bool, RepoError> {
        diesel::update(
            n::table
                .filter(n::id.eq(id.as_uuid()))
                .filter(n::user_id.eq(user.as_uuid()))
                .filter(n::read_at.is_null()),
        )
        .set(n::read_at.eq(now))
        .execute(self.conn)
        .await
        .map(|count| count == 1)
        .map_err(repo_error)
    }
}
