//! Listing and reading notifications (contract §2.8, §3.4).

use crate::deps::CoreDeps;

/// Listing and reading notifications (contract §2.8, §3.4).
#[derive(Clone)]
pub struct NotificationService {
    #[allow(dead_code)]
    deps: CoreDeps,
}

impl NotificationService {
    /// A service over the shared dependencies.
    pub fn new(deps: CoreDeps) -> Self {
        Self { deps }
    }
}
