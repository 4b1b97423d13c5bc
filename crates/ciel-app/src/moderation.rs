//! Moderation use cases (contract §2.9).

use crate::error::AppError;
use ciel_domain::moderation::ModerationAction;
use ciel_domain::pagination::{Page, PageRequest};
use ciel_domain::ports::ModerationRepo;
use std::sync::Arc;

/// Reports, takedowns and the audit log.
#[derive(Clone)]
pub struct ModerationService {
    repo: Arc<dyn ModerationRepo>,
}

impl ModerationService {
    /// A service over `repo`.
    pub fn new(repo: Arc<dyn ModerationRepo>) -> Self {
        Self { repo }
    }

    /// `GET /moderation/audit`: one page of the audit log, newest first.
    pub async fn audit_log(&self, page: PageRequest) -> Result<Page<ModerationAction>, AppError> {
        self.repo
            .list_actions(page)
            .await
            .map_err(AppError::internal)
    }
}
