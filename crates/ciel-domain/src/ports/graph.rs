//! The social-graph store: users as actors and targets, follow and block edges.

use crate::UserId;
use crate::notifications::Actor;
use crate::ports::repo::RepoError;
use async_trait::async_trait;

/// Users and the edges between them, inside a unit of work.
#[async_trait]
pub trait GraphStore: Send {
    /// The user as an actor (handle, display name) when they exist and are not soft-deleted.
    async fn active_user(&mut self, id: UserId) -> Result<Option<Actor>, RepoError>;
}
