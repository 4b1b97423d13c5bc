//! Post requests and the `Like` and `Comment` objects on the wire (contract §1.8, §2.5).

use ciel_domain::posts::{Comment, Like};
use ciel_domain::time::format_timestamp;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// `POST /posts`.
#[derive(Deserialize, ToSchema)]
pub struct CreatePostBody {
    /// Processed media of the caller, in display order, all distinct.
    #[schema(min_items = 1, max_items = 10)]
    pub media_ids: Vec<Uuid>,
    /// Optional caption (at most 2200 bytes).
    #[schema(max_length = 2200)]
    pub caption: Option<String>,
}

/// A field that is present (maybe `null`) as `Some(value)`, and absent as `None` (with
/// `#[serde(default)]`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// `PATCH /posts/:id`: an absent `caption` leaves it unchanged, an explicit `null` clears it
/// (contract §0).
#[derive(Default, Deserialize, ToSchema)]
pub struct PatchPostBody {
    /// Absent: unchanged; `null`: cleared; a string: the new caption (≤ 2200 bytes).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub caption: Option<Option<String>>,
}

/// `POST /posts/:id/comment`.
#[derive(Deserialize, ToSchema)]
pub struct CommentBody {
    /// Not blank, at most 1000 characters.
    #[schema(min_length = 1, max_length = 1000)]
    pub body: String,
}

/// `{"created": bool}` of `POST /posts/:id/like`.
#[derive(Serialize, ToSchema)]
#[schema(as = LikeCreated)]
pub struct LikeCreatedDto {
    /// Whether the like is new.
    pub created: bool,
}

/// A like.
#[derive(Serialize, ToSchema)]
#[schema(as = Like)]
pub struct LikeDto {
    #[schema(format = Uuid)]
    id: String,
    #[schema(format = Uuid)]
    user_id: String,
    #[schema(format = Uuid)]
    post_id: String,
    #[schema(format = DateTime)]
    created_at: String,
}

impl From<Like> for LikeDto {
    fn from(l: Like) -> Self {
        Self {
            id: l.id.to_string(),
            user_id: l.user_id.to_string(),
            post_id: l.post_id.to_string(),
            created_at: format_timestamp(&l.created_at),
        }
    }
}

/// A comment with its author's handle and display name.
#[derive(Serialize, ToSchema)]
#[schema(as = Comment)]
pub struct CommentDto {
    #[schema(format = Uuid)]
    id: String,
    #[schema(format = Uuid)]
    user_id: String,
    #[schema(format = Uuid)]
    post_id: String,
    body: String,
    #[schema(format = DateTime)]
    created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    user_handle: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    user_display_name: Option<String>,
}

impl From<Comment> for CommentDto {
    fn from(c: Comment) -> Self {
        Self {
            id: c.id.to_string(),
            user_id: c.user_id.to_string(),
            post_id: c.post_id.to_string(),
            body: c.body,
            created_at: format_timestamp(&c.created_at),
            user_handle: c.user_handle,
            user_display_name: c.user_display_name,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_tells_absent_from_null() {
        let absent: PatchPostBody = serde_json::from_str("{}").unwrap();
        assert_eq!(absent.caption, None);
        let null: PatchPostBody = serde_json::from_str(r#"{"caption": null}"#).unwrap();
        assert_eq!(null.caption, Some(None));
        let set: PatchPostBody = serde_json::from_str(r#"{"caption": "hi"}"#).unwrap();
        assert_eq!(set.caption, Some(Some("hi".into())));
        assert!(serde_json::from_str::<PatchPostBody>(r#"{"caption": 5}"#).is_err());
    }
}
