//! The social-graph store: users as actors and targets, follow and block edges.
//!
//! # Example
//!
//! The follow use case reads the facts through this store, then decides with the pure rule:
//!
//! ```
//! use ciel_domain::graph::{FOLLOWER_LIMIT, FollowDecision, FollowFacts, decide_follow};
//! use ciel_domain::ports::{GraphStore, RepoError};
//! use ciel_domain::UserId;
//!
//! /// What a follow does, given the facts the store reports under the followee's row lock.
//! async fn follow(store: &mut dyn GraphStore, follower: UserId, followee: UserId) -> Result<FollowDecision, RepoError> {
//!     let facts = store.follow_facts(follower, followee, FOLLOWER_LIMIT).await?;
//!     Ok(decide_follow(facts))
//! }
//! # let _ = follow;
//! // A block either way makes it a no-op, even at the limit.
//! let facts = FollowFacts { blocked_either_way: true, followee_at_limit: true, ..Default::default() };
//! assert_eq!(decide_follow(facts), FollowDecision::NoOp);
//! ```

use crate::UserId;
use crate::graph::{FollowEntry, FollowFacts, FollowList, Relationship};
use crate::notifications::Actor;
use crate::pagination::PageRequest;
use crate::ports::repo::RepoError;
use crate::time::Timestamp;
use async_trait::async_trait;

/// Users and the edges between them, inside a unit of work.
#[async_trait]
pub trait GraphStore: Send {
    /// The user as an actor (handle, display name) when they exist and are not soft-deleted.
    async fn active_user(&mut self, id: UserId) -> Result<Option<Actor>, RepoError>;

    /// Everyone who follows `user` (whose cached feeds show `user`'s posts and stories).
    async fn follower_ids(&mut self, user: UserId) -> Result<Vec<UserId>, RepoError>;

    /// Like [`GraphStore::active_user`], and locks the user's row against other graph writes
    /// (and deletion) until the transaction ends — so concurrent follows of one user are
    /// serialised (the follower limit holds) and a follow or block cannot race a block of the
    /// same pair. Callers locking two users lock them in id order.
    async fn lock_active_user(&mut self, id: UserId) -> Result<Option<Actor>, RepoError>;

    /// The facts a follow `follower → followee` is decided on (one round trip); `limit` is the
    /// follower count at which `followee_at_limit` becomes true.
    async fn follow_facts(
        &mut self,
        follower: UserId,
        followee: UserId,
        limit: i64,
    ) -> Result<FollowFacts, RepoError>;

    /// Inserts the edge created at `now`; `false` when it already existed (nothing changed).
    async fn insert_follow(
        &mut self,
        follower: UserId,
        followee: UserId,
        now: Timestamp,
    ) -> Result<bool, RepoError>;

    /// Deletes the edge; `false` when there was none.
    async fn delete_follow(
        &mut self,
        follower: UserId,
        followee: UserId,
    ) -> Result<bool, RepoError>;

    /// Deletes the follow edges between the two users in both directions; how many went.
    async fn delete_follows_between(&mut self, a: UserId, b: UserId) -> Result<u64, RepoError>;

    /// Inserts the block created at `now`; `false` when it already existed.
    async fn insert_block(
        &mut self,
        blocker: UserId,
        blocked: UserId,
        now: Timestamp,
    ) -> Result<bool, RepoError>;

    /// Deletes the block; `false` when there was none.
    async fn delete_block(&mut self, blocker: UserId, blocked: UserId) -> Result<bool, RepoError>;

    /// How `other` relates to `viewer` (one round trip; all false for an unknown `other`).
    async fn relationship(
        &mut self,
        viewer: UserId,
        other: UserId,
    ) -> Result<Relationship, RepoError>;

    /// Up to `page.limit + 1` entries of `user`'s followers or following, key
    /// `(follow created_at, other user's id)` DESC, strictly after `page.after`, users on the
    /// other side that are soft-deleted left out.
    async fn follow_list(
        &mut self,
        user: UserId,
        list: FollowList,
        page: PageRequest,
    ) -> Result<Vec<FollowEntry>, RepoError>;
}
