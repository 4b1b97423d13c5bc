//! Visibility (contract §3.1), as one pure rule per kind of content. Storage implements the
//! same rule as a SQL predicate for lists; its tests check that predicate against these
//! functions over every combination of facts, so the two can never drift apart.
//!
//! # Example
//!
//! ```
//! use chrono::{Duration, Utc};
//! use ciel_domain::visibility::{PostVisibility, Relation, StoryVisibility, post_visible, story_visible};
//!
//! let stranger = Relation { authenticated: true, ..Default::default() };
//! let friend = Relation { viewer_follows_owner: true, owner_follows_viewer: true, ..stranger };
//! assert!(post_visible(&stranger, PostVisibility::Public));
//! assert!(!post_visible(&stranger, PostVisibility::FollowersOnly));
//! let blocked = Relation { blocked_either_way: true, ..friend };
//! assert!(!post_visible(&blocked, PostVisibility::Public), "a block hides everything");
//! let now = Utc::now();
//! let later = now + Duration::hours(1);
//! assert!(story_visible(&friend, StoryVisibility::FriendsOnly, later, now));
//! assert!(!story_visible(&stranger, StoryVisibility::FriendsOnly, later, now));
//! assert!(!story_visible(&friend, StoryVisibility::Public, now, now), "expired");
//! ```

use crate::time::Timestamp;

/// Who may see a post.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PostVisibility {
    /// Anyone, anonymous callers included.
    Public,
    /// The owner and their followers.
    FollowersOnly,
}

/// Who may see a story.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StoryVisibility {
    /// Any authenticated user.
    Public,
    /// The owner and users who follow the owner and are followed back.
    FriendsOnly,
    /// Enforced exactly like `FriendsOnly` (contract §3.1).
    CloseFriendsOnly,
}

/// The facts about a viewer and a content owner that visibility depends on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Relation {
    /// The viewer is authenticated (anonymous callers have no relation at all).
    pub authenticated: bool,
    /// The viewer is the owner.
    pub is_owner: bool,
    /// The viewer follows the owner.
    pub viewer_follows_owner: bool,
    /// The owner follows the viewer.
    pub owner_follows_viewer: bool,
    /// A block exists in either direction between them.
    pub blocked_either_way: bool,
    /// The owner is soft-deleted.
    pub owner_deleted: bool,
}

impl Relation {
    /// The exclusions shared by every kind of content: a deleted owner's content is invisible
    /// to everyone (the owner included), and a block in either direction hides it.
    fn excluded(&self) -> bool {
        self.owner_deleted || self.blocked_either_way
    }
}

/// Whether a post is visible.
pub fn post_visible(relation: &Relation, visibility: PostVisibility) -> bool {
    if relation.excluded() {
        return false;
    }
    match visibility {
        PostVisibility::Public => true,
        PostVisibility::FollowersOnly => {
            relation.authenticated && (relation.is_owner || relation.viewer_follows_owner)
        }
    }
}

/// Whether a story is visible at `now`: only while unexpired, only to authenticated viewers.
pub fn story_visible(
    relation: &Relation,
    visibility: StoryVisibility,
    expires_at: Timestamp,
    now: Timestamp,
) -> bool {
    if relation.excluded() || !relation.authenticated || expires_at <= now {
        return false;
    }
    match visibility {
        StoryVisibility::Public => true,
        StoryVisibility::FriendsOnly | StoryVisibility::CloseFriendsOnly => {
            relation.is_owner || (relation.viewer_follows_owner && relation.owner_follows_viewer)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, Utc};

    fn viewer() -> Relation {
        Relation {
            authenticated: true,
            ..Relation::default()
        }
    }

    #[test]
    fn public_posts_are_for_everyone_but_deleted_or_blocked_owners() {
        assert!(post_visible(&Relation::default(), PostVisibility::Public));
        assert!(post_visible(&viewer(), PostVisibility::Public));
        let blocked = Relation {
            blocked_either_way: true,
            ..viewer()
        };
        assert!(!post_visible(&blocked, PostVisibility::Public));
        let deleted_self = Relation {
            is_owner: true,
            owner_deleted: true,
            ..viewer()
        };
        assert!(!post_visible(&deleted_self, PostVisibility::Public));
    }

    #[test]
    fn followers_only_posts_need_the_owner_or_a_follower() {
        let fo = PostVisibility::FollowersOnly;
        assert!(!post_visible(&Relation::default(), fo));
        assert!(!post_visible(&viewer(), fo));
        let owner = Relation {
            is_owner: true,
            ..viewer()
        };
        assert!(post_visible(&owner, fo));
        let follower = Relation {
            viewer_follows_owner: true,
            ..viewer()
        };
        assert!(post_visible(&follower, fo));
        let followed_only = Relation {
            owner_follows_viewer: true,
            ..viewer()
        };
        assert!(!post_visible(&followed_only, fo));
    }

    #[test]
    fn stories_need_authentication_time_and_mutual_follows() {
        let now = Utc::now();
        let later = now + Duration::hours(1);
        assert!(story_visible(
            &viewer(),
            StoryVisibility::Public,
            later,
            now
        ));
        assert!(!story_visible(
            &Relation::default(),
            StoryVisibility::Public,
            later,
            now
        ));
        assert!(
            !story_visible(&viewer(), StoryVisibility::Public, now, now),
            "expired"
        );
        let one_way = Relation {
            viewer_follows_owner: true,
            ..viewer()
        };
        let mutual = Relation {
            owner_follows_viewer: true,
            ..one_way
        };
        for vis in [
            StoryVisibility::FriendsOnly,
            StoryVisibility::CloseFriendsOnly,
        ] {
            assert!(!story_visible(&one_way, vis, later, now));
            assert!(story_visible(&mutual, vis, later, now));
            let owner = Relation {
                is_owner: true,
                ..viewer()
            };
            assert!(story_visible(&owner, vis, later, now));
            let blocked = Relation {
                blocked_either_way: true,
                ..mutual
            };
            assert!(!story_visible(&blocked, vis, later, now));
        }
    }
}
