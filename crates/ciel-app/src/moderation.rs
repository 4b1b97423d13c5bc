//! Moderation use cases (contract §2.9).

use crate::error::AppError;
use crate::user_gate::UserGate;
use chrono::Utc;
use ciel_domain::moderation::{ModerationAction, PostFlag, UserFlag};
use ciel_domain::pagination::{Page, PageRequest};
use ciel_domain::ports::{FlagError, ModerationRepo};
use ciel_domain::{PostId, UserId};
use std::sync::Arc;
use uuid::Uuid;

/// Reasons are trimmed; blank means none.
fn reason(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|r| !r.is_empty())
}

/// Reports, takedowns and the audit log.
#[derive(Clone)]
pub struct ModerationService {
    repo: Arc<dyn ModerationRepo>,
    gate: UserGate,
}

impl ModerationService {
    /// A service over `repo`.
    pub fn new(repo: Arc<dyn ModerationRepo>) -> Self {
        Self {
            repo,
            gate: UserGate::disabled(),
        }
    }

    /// Forgets affected users in `gate` at once: a flag or a takedown may strike, ban or
    /// demote the target (or the content's owner, unknown here: then everyone is forgotten).
    pub fn with_gate(mut self, gate: UserGate) -> Self {
        self.gate = gate;
        self
    }

    /// `POST /moderation/users/:id/flag`.
    pub async fn flag_user(
        &self,
        reporter: UserId,
        target: UserId,
        why: Option<&str>,
    ) -> Result<UserFlag, AppError> {
        if reporter == target {
            return Err(AppError::Invalid("cannot report yourself".into()));
        }
        let flagged = self
            .repo
            .flag_user(reporter, target, reason(why), Utc::now())
            .await;
        self.gate.forget(target);
        flagged.map_err(|e| match e {
            FlagError::NotFound => AppError::NotFound("user not found".into()),
            FlagError::OwnContent => AppError::Invalid("cannot report yourself".into()),
            FlagError::Duplicate => {
                AppError::Conflict("you have already reported this user".into())
            }
            FlagError::Repo(e) => AppError::internal(e),
        })
    }

    /// `POST /moderation/posts/:id/flag`.
    pub async fn flag_post(
        &self,
        reporter: UserId,
        post: PostId,
        why: Option<&str>,
    ) -> Result<PostFlag, AppError> {
        let flagged = self
            .repo
            .flag_post(reporter, post, reason(why), Utc::now())
            .await;
        if flagged.is_ok() {
            self.gate.forget_all();
        }
        flagged.map_err(|e| match e {
            FlagError::NotFound => AppError::NotFound("post not found".into()),
            FlagError::OwnContent => AppError::Invalid("cannot report your own post".into()),
            FlagError::Duplicate => {
                AppError::Conflict("you have already reported this post".into())
            }
            FlagError::Repo(e) => AppError::internal(e),
        })
    }

    /// `POST /moderation/posts/:id/takedown` (admin; `actor` is the optional bearer user).
    pub async fn take_down_post(
        &self,
        post: PostId,
        actor: Option<UserId>,
        why: Option<&str>,
    ) -> Result<(), AppError> {
        let removed = self
            .repo
            .take_down_post(post, actor, reason(why), Utc::now())
            .await
            .map_err(AppError::internal)?;
        if removed {
            self.gate.forget_all();
            Ok(())
        } else {
            Err(AppError::NotFound("post not found".into()))
        }
    }

    /// `POST /moderation/comments/:id/takedown` (admin).
    pub async fn take_down_comment(
        &self,
        comment: Uuid,
        actor: Option<UserId>,
        why: Option<&str>,
    ) -> Result<(), AppError> {
        let removed = self
            .repo
            .take_down_comment(comment, actor, reason(why), Utc::now())
            .await
            .map_err(AppError::internal)?;
        if removed {
            self.gate.forget_all();
            Ok(())
        } else {
            Err(AppError::NotFound("comment not found".into()))
        }
    }

    /// `GET /moderation/audit`: one page of the audit log, newest first.
    pub async fn audit_log(&self, page: PageRequest) -> Result<Page<ModerationAction>, AppError> {
        self.repo
            .list_actions(page)
            .await
            .map_err(AppError::internal)
    }
}
