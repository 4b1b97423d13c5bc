//! The social graph (contract §2.4, §3.1): what a follow request does given the facts about the
//! pair, the follower cap, relationships and the follower/following list entries. Pure rules.
//!
//! # Example
//!
//! ```
//! use ciel_domain::graph::{FollowDecision, FollowFacts, decide_follow};
//!
//! assert_eq!(decide_follow(FollowFacts::default()), FollowDecision::Create);
//! let blocked = FollowFacts { blocked_either_way: true, followee_at_limit: true, ..Default::default() };
//! assert_eq!(decide_follow(blocked), FollowDecision::NoOp, "a block wins over the limit");
//! let full = FollowFacts { followee_at_limit: true, ..Default::default() };
//! assert_eq!(decide_follow(full), FollowDecision::FollowerLimitReached);
//! ```

use crate::time::Timestamp;
use crate::users::User;

/// A user who already has this many followers cannot gain another (403).
pub const FOLLOWER_LIMIT: i64 = 5000;

/// What storage knows about a would-be follow `follower → followee`, read after the followee's
/// row is locked (so no concurrent follow of the same followee can change it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FollowFacts {
    /// A block exists in either direction between the two.
    pub blocked_either_way: bool,
    /// The edge already exists.
    pub already_following: bool,
    /// The followee already has at least [`FOLLOWER_LIMIT`] followers.
    pub followee_at_limit: bool,
}

/// What a follow request does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FollowDecision {
    /// Insert the edge (and tell the followee, and give them trust points).
    Create,
    /// Nothing changes and the request still succeeds: a block either way, or already following.
    NoOp,
    /// Refused: the followee has reached the follower limit.
    FollowerLimitReached,
}

/// Decides a follow. A block or an existing edge makes it a silent no-op (idempotent, and
/// never an error even when the followee is at the limit); otherwise the limit refuses it.
pub fn decide_follow(facts: FollowFacts) -> FollowDecision {
    if facts.blocked_either_way || facts.already_following {
        FollowDecision::NoOp
    } else if facts.followee_at_limit {
        FollowDecision::FollowerLimitReached
    } else {
        FollowDecision::Create
    }
}

/// How two users relate, from the viewer's point of view (contract §1.8 Relationship).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Relationship {
    /// The viewer follows the other user.
    pub is_following: bool,
    /// The other user follows the viewer.
    pub is_followed_by: bool,
    /// The viewer blocks the other user.
    pub is_blocking: bool,
    /// The other user blocks the viewer.
    pub is_blocked_by: bool,
}

/// One entry of a follower or following list: the user on the other side of the edge and when
/// the edge was created. The list key is `(followed_at, user.id)` DESC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowEntry {
    /// The follower (in a followers list) or the followee (in a following list).
    pub user: User,
    /// When the follow was created.
    pub followed_at: Timestamp,
}

/// Which side of a user's edges a list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FollowList {
    /// Users who follow them.
    Followers,
    /// Users they follow.
    Following,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follow_decisions_cover_every_combination_of_facts() {
        for blocked in [false, true] {
            for following in [false, true] {
                for at_limit in [false, true] {
                    let facts = FollowFacts {
                        blocked_either_way: blocked,
                        already_following: following,
                        followee_at_limit: at_limit,
                    };
                    let expected = if blocked || following {
                        FollowDecision::NoOp
                    } else if at_limit {
                        FollowDecision::FollowerLimitReached
                    } else {
                        FollowDecision::Create
                    };
                    assert_eq!(decide_follow(facts), expected, "{facts:?}");
                }
            }
        }
    }

    #[test]
    fn a_free_pair_below_the_limit_is_followed() {
        assert_eq!(
            decide_follow(FollowFacts::default()),
            FollowDecision::Create
        );
        assert_eq!(
            decide_follow(FollowFacts {
                followee_at_limit: true,
                ..FollowFacts::default()
            }),
            FollowDecision::FollowerLimitReached
        );
    }
}
