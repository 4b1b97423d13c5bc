//! `Notification` on the wire (contract §1.8, §3.4): the payload is the stored JSON object.

use ciel_domain::notifications::Notification;
use ciel_domain::time::format_timestamp;
use serde::Serialize;
use utoipa::ToSchema;

/// One notification of the caller.
#[derive(Serialize, ToSchema)]
#[schema(as = Notification)]
pub struct NotificationDto {
    #[schema(format = Uuid)]
    id: String,
    /// The recipient.
    #[schema(format = Uuid)]
    user_id: String,
    /// `user_followed`, `post_liked`, `post_commented` or `story_reaction`.
    notification_type: String,
    /// The type's keys (contract §3.4); every id in it is a string.
    #[schema(value_type = Object)]
    payload: serde_json::Value,
    #[schema(required, format = DateTime)]
    read_at: Option<String>,
    #[schema(format = DateTime)]
    created_at: String,
}

impl From<Notification> for NotificationDto {
    fn from(n: Notification) -> Self {
        // The store hands over the text of a jsonb value, so it parses; anything else would
        // be a storage bug, answered as an empty object rather than a failed page.
        let payload = serde_json::from_str(&n.payload_json).unwrap_or_else(|err| {
            tracing::error!(error = %err, id = %n.id, "stored notification payload is not JSON");
            serde_json::Value::Object(serde_json::Map::new())
        });
        Self {
            id: n.id.to_string(),
            user_id: n.user_id.to_string(),
            notification_type: n.kind,
            payload,
            read_at: n.read_at.as_ref().map(format_timestamp),
            created_at: format_timestamp(&n.created_at),
        }
    }
}
