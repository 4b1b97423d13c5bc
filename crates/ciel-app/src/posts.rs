//! Posts, likes and comments, and a user's posts (contract §2.5, §3.1).

use crate::deps::CoreDeps;

/// Posts, likes and comments, and a user's posts (contract §2.5, §3.1).
#[derive(Clone)]
pub struct PostService {
    #[allow(dead_code)]
    deps: CoreDeps,
}

impl PostService {
    /// A service over the shared dependencies.
    pub fn new(deps: CoreDeps) -> Self {
        Self { deps }
    }
}
