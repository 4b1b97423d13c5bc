//! Follows, unfollows, blocks, relationships, follower and following lists (contract §2.4, §3.1).

use crate::deps::CoreDeps;

/// Follows, unfollows, blocks, relationships, follower and following lists (contract §2.4, §3.1).
#[derive(Clone)]
pub struct SocialService {
    #[allow(dead_code)]
    deps: CoreDeps,
}

impl SocialService {
    /// A service over the shared dependencies.
    pub fn new(deps: CoreDeps) -> Self {
        Self { deps }
    }
}
