//! Notifications (contract §3.4): who is told what, with which payload. Pure rules: nothing is
//! produced for one's own actions, every payload carries the actor, ids are strings, and a
//! comment preview is the first 100 characters of the body.
//!
//! # Example
//!
//! ```
//! use ciel_domain::notifications::{Actor, NewNotification, NotificationKind};
//! use ciel_domain::{PostId, UserId};
//!
//! let actor = Actor { id: UserId::generate(), handle: "ada".into(), display_name: "Ada".into() };
//! let owner = UserId::generate();
//! let n = NewNotification::post_liked(&actor, owner, PostId::generate()).unwrap();
//! assert_eq!((n.recipient, n.kind), (owner, NotificationKind::PostLiked));
//! assert_eq!(n.kind.as_str(), "post_liked");
//! // Nobody is told about their own actions.
//! assert!(NewNotification::post_liked(&actor, actor.id, PostId::generate()).is_none());
//! ```

use crate::time::Timestamp;
use crate::{NotificationId, PostId, StoryId, UserId};

/// The user who caused a notification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// Their id.
    pub id: UserId,
    /// Their handle.
    pub handle: String,
    /// Their display name.
    pub display_name: String,
}

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotificationKind {
    /// A follow edge was newly created; the followee is told.
    UserFollowed,
    /// A like was newly created; the post owner is told.
    PostLiked,
    /// A comment was written; the post owner is told.
    PostCommented,
    /// A story reaction was added or changed; the story owner is told.
    StoryReaction,
}

impl NotificationKind {
    /// The wire and database name (`notification_type`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UserFollowed => "user_followed",
            Self::PostLiked => "post_liked",
            Self::PostCommented => "post_commented",
            Self::StoryReaction => "story_reaction",
        }
    }
}

/// How many characters of a comment the `post_commented` payload previews.
pub const COMMENT_PREVIEW_CHARS: usize = 100;

/// A notification to record: recipient, kind, and a flat payload of string values in a stable
/// key order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewNotification {
    /// Who is told.
    pub recipient: UserId,
    /// What happened.
    pub kind: NotificationKind,
    /// `(key, value)` pairs; every value is a string (contract §3.4).
    pub payload: Vec<(&'static str, String)>,
}

impl NewNotification {
    /// Builds a notification for `recipient`, or `None` when the actor is the recipient.
    fn about(
        recipient: UserId,
        kind: NotificationKind,
        actor: &Actor,
        handle_key: &'static str,
        actor_key: &'static str,
        mut specific: Vec<(&'static str, String)>,
    ) -> Option<Self> {
        if recipient == actor.id {
            return None;
        }
        specific.push((actor_key, actor.id.to_string()));
        specific.push((handle_key, actor.handle.clone()));
        specific.push(("actor_id", actor.id.to_string()));
        specific.push(("actor_handle", actor.handle.clone()));
        specific.push(("actor_display_name", actor.display_name.clone()));
        Some(Self {
            recipient,
            kind,
            payload: specific,
        })
    }

    /// `user_followed` for the followee.
    pub fn user_followed(actor: &Actor, followee: UserId) -> Option<Self> {
        Self::about(
            followee,
            NotificationKind::UserFollowed,
            actor,
            "follower_handle",
            "follower_id",
            Vec::new(),
        )
    }

    /// `post_liked` for the post owner.
    pub fn post_liked(actor: &Actor, owner: UserId, post: PostId) -> Option<Self> {
        Self::about(
            owner,
            NotificationKind::PostLiked,
            actor,
            "liker_handle",
            "liker_id",
            vec![("post_id", post.to_string())],
        )
    }

    /// `post_commented` for the post owner, previewing the first 100 characters of `body`.
    pub fn post_commented(actor: &Actor, owner: UserId, post: PostId, body: &str) -> Option<Self> {
        let preview: String = body.chars().take(COMMENT_PREVIEW_CHARS).collect();
        Self::about(
            owner,
            NotificationKind::PostCommented,
            actor,
            "commenter_handle",
            "commenter_id",
            vec![("post_id", post.to_string()), ("comment_preview", preview)],
        )
    }

    /// `story_reaction` for the story owner.
    pub fn story_reaction(
        actor: &Actor,
        owner: UserId,
        story: StoryId,
        emoji: &str,
    ) -> Option<Self> {
        Self::about(
            owner,
            NotificationKind::StoryReaction,
            actor,
            "reactor_handle",
            "reactor_id",
            vec![("story_id", story.to_string()), ("emoji", emoji.to_owned())],
        )
    }
}

/// A stored notification.
#[derive(Clone, Debug, PartialEq)]
pub struct Notification {
    /// Its id.
    pub id: NotificationId,
    /// The recipient.
    pub user_id: UserId,
    /// `notification_type` as stored.
    pub kind: String,
    /// The payload as stored: the text of a JSON object.
    pub payload_json: String,
    /// When it was read, if it was.
    pub read_at: Option<Timestamp>,
    /// When it was created.
    pub created_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor() -> Actor {
        Actor {
            id: UserId::generate(),
            handle: "alice".into(),
            display_name: "Alice".into(),
        }
    }

    fn keys(n: &NewNotification) -> Vec<&'static str> {
        n.payload.iter().map(|(k, _)| *k).collect()
    }

    #[test]
    fn none_for_own_actions() {
        let a = actor();
        assert!(NewNotification::user_followed(&a, a.id).is_none());
        assert!(NewNotification::post_liked(&a, a.id, PostId::generate()).is_none());
        assert!(NewNotification::post_commented(&a, a.id, PostId::generate(), "hi").is_none());
        assert!(NewNotification::story_reaction(&a, a.id, StoryId::generate(), "🔥").is_none());
    }

    #[test]
    fn payloads_carry_the_contract_keys() {
        let a = actor();
        let other = UserId::generate();
        let n = NewNotification::user_followed(&a, other).unwrap();
        assert_eq!(n.recipient, other);
        assert_eq!(n.kind.as_str(), "user_followed");
        assert_eq!(
            keys(&n),
            [
                "follower_id",
                "follower_handle",
                "actor_id",
                "actor_handle",
                "actor_display_name"
            ]
        );
        let post = PostId::generate();
        let liked = NewNotification::post_liked(&a, other, post).unwrap();
        assert_eq!(
            keys(&liked),
            [
                "post_id",
                "liker_id",
                "liker_handle",
                "actor_id",
                "actor_handle",
                "actor_display_name"
            ]
        );
        assert_eq!(liked.payload[0].1, post.to_string());
        let story = NewNotification::story_reaction(&a, other, StoryId::generate(), "🔥").unwrap();
        assert_eq!(story.kind.as_str(), "story_reaction");
        assert!(story.payload.contains(&("emoji", "🔥".to_owned())));
        assert!(
            story
                .payload
                .contains(&("reactor_handle", "alice".to_owned()))
        );
    }

    #[test]
    fn comment_preview_is_first_100_characters() {
        let a = actor();
        let body: String = "é".repeat(150);
        let n = NewNotification::post_commented(&a, UserId::generate(), PostId::generate(), &body)
            .unwrap();
        let preview = &n
            .payload
            .iter()
            .find(|(k, _)| *k == "comment_preview")
            .unwrap()
            .1;
        assert_eq!(preview.chars().count(), 100);
        assert_eq!(n.kind.as_str(), "post_commented");
    }
}
