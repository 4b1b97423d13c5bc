//! Stories, views, reactions, highlights and the stories feed (contract §2.11, §3.3).

use crate::deps::CoreDeps;

/// Stories, views, reactions, highlights and the stories feed (contract §2.11, §3.3).
#[derive(Clone)]
pub struct StoryService {
    #[allow(dead_code)]
    deps: CoreDeps,
}

impl StoryService {
    /// A service over the shared dependencies.
    pub fn new(deps: CoreDeps) -> Self {
        Self { deps }
    }
}
