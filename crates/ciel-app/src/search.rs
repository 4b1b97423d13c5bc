//! Searching users and posts (contract §2.10).

use crate::deps::CoreDeps;

/// Searching users and posts (contract §2.10).
#[derive(Clone)]
pub struct SearchService {
    #[allow(dead_code)]
    deps: CoreDeps,
}

impl SearchService {
    /// A service over the shared dependencies.
    pub fn new(deps: CoreDeps) -> Self {
        Self { deps }
    }
}
