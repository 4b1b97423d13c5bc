//! `InviteCode` on the wire.

use ciel_domain::invites::Invite;
use ciel_domain::time::format_timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Body of invite creation (all fields optional; an empty body means `{}`).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CreateInviteRequest {
    /// Days until the code expires: 1–30 for users, 1–365 for admins; default 7.
    #[schema(minimum = 1, maximum = 365)]
    pub days_valid: Option<i64>,
}

/// An invite code (contract §1.8 InviteCode).
#[derive(Serialize, ToSchema)]
#[schema(as = InviteCode)]
pub struct InviteCodeDto {
    code: String,
    /// `null` for admin codes.
    #[schema(required, format = Uuid)]
    created_by: Option<String>,
    #[schema(required, format = Uuid)]
    used_by: Option<String>,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(required, format = DateTime)]
    used_at: Option<String>,
    #[schema(format = DateTime)]
    expires_at: String,
    is_valid: bool,
    #[schema(value_type = crate::openapi::names::InviteType)]
    invite_type: &'static str,
    use_count: i32,
    max_uses: i32,
}

impl From<Invite> for InviteCodeDto {
    fn from(i: Invite) -> Self {
        Self {
            code: i.code,
            created_by: i.created_by.map(|u| u.to_string()),
            used_by: i.used_by.map(|u| u.to_string()),
            created_at: format_timestamp(&i.created_at),
            used_at: i.used_at.as_ref().map(format_timestamp),
            expires_at: format_timestamp(&i.expires_at),
            is_valid: i.is_valid,
            invite_type: i.invite_type.as_str(),
            use_count: i.use_count,
            max_uses: i.max_uses,
        }
    }
}
