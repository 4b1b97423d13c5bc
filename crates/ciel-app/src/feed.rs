//! The home feed and its first-page cache (contract §2.6, §3.2).

use crate::deps::CoreDeps;

/// The home feed and its first-page cache (contract §2.6, §3.2).
#[derive(Clone)]
pub struct FeedService {
    #[allow(dead_code)]
    deps: CoreDeps,
}

impl FeedService {
    /// A service over the shared dependencies.
    pub fn new(deps: CoreDeps) -> Self {
        Self { deps }
    }
}
