//! `ModerationAction` on the wire.

use ciel_domain::moderation::ModerationAction;
use ciel_domain::time::format_timestamp;
use serde::Serialize;
use utoipa::ToSchema;

/// One audit-log entry (contract §1.8 ModerationAction).
#[derive(Serialize, ToSchema)]
#[schema(as = ModerationAction)]
pub struct ModerationActionDto {
    #[schema(format = Uuid)]
    id: String,
    #[schema(required, format = Uuid)]
    actor_id: Option<String>,
    #[schema(value_type = crate::openapi::names::ModerationTargetType)]
    target_type: String,
    #[schema(format = Uuid)]
    target_id: String,
    #[schema(required)]
    reason: Option<String>,
    #[schema(format = DateTime)]
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
