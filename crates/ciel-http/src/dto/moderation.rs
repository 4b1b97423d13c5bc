//! `ModerationAction` on the wire.

use ciel_domain::moderation::ModerationAction;
use ciel_domain::time::format_timestamp;
use serde::Serialize;

/// One audit-log entry (contract §1.8 ModerationAction).
#[derive(Serialize)]
pub struct ModerationActionDto {
    id: String,
    actor_id: Option<String>,
    target_type: String,
    target_id: String,
    reason: Option<String>,
    created_at: String,
}

impl From<ModerationAction> for ModerationActionDto {
    fn from(a: ModerationAction) -> Self {
        Self {
            id: a.id.to_string(),
            actor_id: a.actor_id.map(|u| u.to_string()),
            target_type: a.target_type,
            target_id: a.target_id.to_string(),
            reason: a.reason,
            created_at: format_timestamp(&a.created_at),
        }
    }
}
