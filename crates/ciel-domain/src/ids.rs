//! Typed identifiers: a `UserId` can never be passed where a `PostId` is expected.
//!
//! # Example
//!
//! ```
//! use ciel_domain::{PostId, UserId};
//!
//! let id: UserId = "6F9619FF-8B86-D011-B42D-00C04FC964FF".parse().unwrap();
//! // Displayed in the contract's lowercase hyphenated form.
//! assert_eq!(id.to_string(), "6f9619ff-8b86-d011-b42d-00c04fc964ff");
//! assert_eq!(UserId::from_uuid(id.as_uuid()), id);
//! assert_ne!(PostId::generate(), PostId::generate());
//! assert!("not-a-uuid".parse::<UserId>().is_err());
//! ```

use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps an existing UUID.
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            /// A fresh random (v4) id.
            pub fn generate() -> Self {
                Self(Uuid::new_v4())
            }

            /// The underlying UUID.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                // Lowercase hyphenated form, as the contract requires (§1.6).
                fmt::Display::fmt(&self.0.hyphenated(), f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }
    };
}

typed_id!(
    /// Identifies a user account.
    UserId
);
typed_id!(
    /// Identifies a post.
    PostId
);
typed_id!(
    /// Identifies a processed media item (a row of `media`).
    MediaId
);
typed_id!(
    /// Identifies an upload in progress (a row of `media_uploads`).
    UploadId
);
typed_id!(
    /// Identifies a story.
    StoryId
);
typed_id!(
    /// Identifies a notification.
    NotificationId
);

typed_id!(
    /// Identifies a comment.
    CommentId
);
typed_id!(
    /// Identifies a like.
    LikeId
);
typed_id!(
    /// Identifies a story highlight.
    HighlightId
);
typed_id!(
    /// Identifies a story reaction.
    ReactionId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_lowercase_hyphenated() {
        let id: UserId = "550E8400-E29B-41D4-A716-446655440000".parse().unwrap();
        assert_eq!(id.to_string(), "550e8400-e29b-41d4-a716-446655440000");
    }

    #[test]
    fn rejects_garbage() {
        assert!("not-a-uuid".parse::<PostId>().is_err());
    }
}
