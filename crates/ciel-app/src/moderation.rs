//! Moderation use cases (contract §2.9). Reports and takedowns run in one transaction each:
//! the report or deletion, its audit row, and the trust change of §3.5 commit together.
//!
//! # Example
//!
//! Reporting oneself is refused before any storage is touched; a report that cannot get a
//! connection is a 503 the client may retry:
//!
//! ```
//! # use ciel_app::{AvatarUrls, CoreDeps, MediaUrls, SystemClock};
//! # use ciel_domain::ports::{RepoError, TxAbort, TxWork, UnitOfWork};
//! # use std::sync::Arc;
//! # /// A unit of work whose pool never has a connection to lend (see `ciel_app::tx`).
//! # struct Busy;
//! # #[async_trait::async_trait]
//! # impl UnitOfWork for Busy {
//! #     async fn transaction(&self, _: TxWork) -> Result<(), TxAbort> {
//! #         Err(RepoError::Busy("pool timed out".into()).into())
//! #     }
//! #     async fn connection(&self, _: TxWork) -> Result<(), TxAbort> {
//! #         Err(RepoError::Busy("pool timed out".into()).into())
//! #     }
//! # }
//! # fn deps() -> CoreDeps {
//! #     CoreDeps {
//! #         uow: Arc::new(Busy),
//! #         cache: None,
//! #         store: None,
//! #         avatars: AvatarUrls::new(None, None),
//! #         media_urls: MediaUrls::new(None),
//! #         clock: Arc::new(SystemClock),
//! #         cards: ciel_app::feed::PostCards::disabled(),
//! #     }
//! # }
//! # let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! use ciel_app::{AppError, ModerationService};
//! use ciel_domain::moderation::ModerationAction;
//! use ciel_domain::pagination::{Page, PageRequest};
//! use ciel_domain::ports::ModerationRepo;
//! use ciel_domain::UserId;
//!
//! struct NoLog;
//! #[async_trait::async_trait]
//! impl ModerationRepo for NoLog {
//!     async fn list_actions(&self, _: PageRequest) -> Result<Page<ModerationAction>, RepoError> {
//!         Err(RepoError::Busy("pool timed out".into()))
//!     }
//! }
//! let service = ModerationService::new(Arc::new(NoLog), Arc::new(Busy));
//! let (ann, bob) = (UserId::generate(), UserId::generate());
//! rt.block_on(async {
//!     let own = service.flag_user(ann, ann, Some("spam")).await.unwrap_err();
//!     assert_eq!(own.to_string(), "cannot report yourself");
//!     let busy = service.flag_user(ann, bob, None).await.unwrap_err();
//!     assert!(matches!(busy, AppError::Unavailable { .. }), "{busy:?}");
//! });
//! ```

use crate::error::AppError;
use crate::trust;
use crate::tx::transact;
use crate::user_gate::UserGate;
use chrono::Utc;
use ciel_domain::moderation::{
    AuditTarget, ModerationAction, NewModerationAction, PostFlag, UserFlag,
};
use ciel_domain::pagination::{Page, PageRequest};
use ciel_domain::ports::{ModerationRepo, Tx, UnitOfWork};
use ciel_domain::time::Timestamp;
use ciel_domain::trust::TrustEvent;
use ciel_domain::{PostId, UserId};
use std::sync::Arc;
use uuid::Uuid;

/// Reasons are trimmed; blank means none.
fn reason(raw: Option<&str>) -> Option<String> {
    raw.map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
}

/// What a takedown removes.
#[derive(Clone, Copy)]
enum Removal {
    Post(PostId),
    Comment(Uuid),
}

/// Appends `audit` and applies `event` to `subject`'s trust at the audit's time, inside the
/// caller's transaction: a report or takedown, its audit row and its trust change commit
/// together.
async fn audit_and_apply(
    tx: &mut dyn Tx,
    audit: &NewModerationAction,
    subject: UserId,
    event: TrustEvent,
) -> Result<(), AppError> {
    tx.record_moderation_action(audit).await?;
    trust::apply(tx, subject, event, audit.created_at).await?;
    Ok(())
}

/// Reports, takedowns and the audit log.
#[derive(Clone)]
pub struct ModerationService {
    repo: Arc<dyn ModerationRepo>,
    uow: Arc<dyn UnitOfWork>,
    gate: UserGate,
}

impl ModerationService {
    /// A service reading the audit log through `repo` and writing in transactions of `uow`.
    pub fn new(repo: Arc<dyn ModerationRepo>, uow: Arc<dyn UnitOfWork>) -> Self {
        Self {
            repo,
            uow,
            gate: UserGate::disabled(),
        }
    }

    /// Forgets affected users in `gate` at once: a flag or a takedown may strike, ban or demote
    /// the target (or the content's owner), which every later request must see.
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
        self.flag_user_at(reporter, target, why, Utc::now()).await
    }

    /// Reports `target` at `now`: refused for oneself (400), a missing or deleted target (404)
    /// and a repeated report (409); otherwise the report, its audit row (`user_flag`, actor =
    /// reporter) and `FlagReceived` for the target, together.
    pub async fn flag_user_at(
        &self,
        reporter: UserId,
        target: UserId,
        why: Option<&str>,
        now: Timestamp,
    ) -> Result<UserFlag, AppError> {
        if reporter == target {
            return Err(AppError::Invalid("cannot report yourself".into()));
        }
        let reason = reason(why);
        transact(&*self.uow, move |tx| {
            Box::pin(async move {
                if !tx.share_lock_live_user(target).await? {
                    return Err(AppError::NotFound("user not found".into()));
                }
                let flag = tx
                    .insert_user_flag(reporter, target, reason.as_deref(), now)
                    .await?
                    .ok_or_else(|| {
                        AppError::Conflict("you have already reported this user".into())
                    })?;
                let audit = NewModerationAction {
                    actor: Some(reporter),
                    target: AuditTarget::UserFlag,
                    target_id: target.as_uuid(),
                    reason,
                    created_at: now,
                };
                audit_and_apply(tx, &audit, target, TrustEvent::FlagReceived).await?;
                Ok(flag)
            })
        })
        .await
        .inspect(|_| self.gate.forget(target))
    }

    /// `POST /moderation/posts/:id/flag`.
    pub async fn flag_post(
        &self,
        reporter: UserId,
        post: PostId,
        why: Option<&str>,
    ) -> Result<PostFlag, AppError> {
        self.flag_post_at(reporter, post, why, Utc::now()).await
    }

    /// Reports `post` at `now`: refused for a missing post or one whose owner is deleted
    /// (404), one's own post (400) and a repeated report (409); otherwise the report, its
    /// audit row (`post_flag`) and `FlagReceived` for the post's owner, together.
    pub async fn flag_post_at(
        &self,
        reporter: UserId,
        post: PostId,
        why: Option<&str>,
        now: Timestamp,
    ) -> Result<PostFlag, AppError> {
        let reason = reason(why);
        transact(&*self.uow, move |tx| {
            Box::pin(async move {
                let owner = tx
                    .share_lock_post_owner(post)
                    .await?
                    .ok_or_else(|| AppError::NotFound("post not found".into()))?;
                if owner == reporter {
                    return Err(AppError::Invalid("cannot report your own post".into()));
                }
                let flag = tx
                    .insert_post_flag(reporter, post, reason.as_deref(), now)
                    .await?
                    .ok_or_else(|| {
                        AppError::Conflict("you have already reported this post".into())
                    })?;
                let audit = NewModerationAction {
                    actor: Some(reporter),
                    target: AuditTarget::PostFlag,
                    target_id: post.as_uuid(),
                    reason,
                    created_at: now,
                };
                audit_and_apply(tx, &audit, owner, TrustEvent::FlagReceived).await?;
                Ok((flag, owner))
            })
        })
        .await
        .map(|(flag, owner)| {
            self.gate.forget(owner);
            flag
        })
    }

    /// `POST /moderation/posts/:id/takedown` (admin; `actor` is the optional bearer user).
    pub async fn take_down_post(
        &self,
        post: PostId,
        actor: Option<UserId>,
        why: Option<&str>,
    ) -> Result<(), AppError> {
        self.take_down_post_at(post, actor, why, Utc::now()).await
    }

    /// Deletes `post` at `now` (404 when missing), audits it (`post`) and applies
    /// `ContentRemoved` to its owner, together.
    pub async fn take_down_post_at(
        &self,
        post: PostId,
        actor: Option<UserId>,
        why: Option<&str>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        self.take_down(Removal::Post(post), actor, why, now).await
    }

    /// `POST /moderation/comments/:id/takedown` (admin).
    pub async fn take_down_comment(
        &self,
        comment: Uuid,
        actor: Option<UserId>,
        why: Option<&str>,
    ) -> Result<(), AppError> {
        self.take_down_comment_at(comment, actor, why, Utc::now())
            .await
    }

    /// Deletes `comment` at `now` (404 when missing), audits it (`comment`) and applies
    /// `ContentRemoved` to its author, together.
    pub async fn take_down_comment_at(
        &self,
        comment: Uuid,
        actor: Option<UserId>,
        why: Option<&str>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        self.take_down(Removal::Comment(comment), actor, why, now)
            .await
    }

    /// Removes the content (404 when missing), audits the removal and applies `ContentRemoved`
    /// to whoever wrote it, in one transaction; then forgets that user in the gate.
    async fn take_down(
        &self,
        what: Removal,
        actor: Option<UserId>,
        why: Option<&str>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let reason = reason(why);
        transact(&*self.uow, move |tx| {
            Box::pin(async move {
                let (removed, target, target_id, missing) = match what {
                    Removal::Post(post) => (
                        tx.remove_post_for_takedown(post).await?,
                        AuditTarget::Post,
                        post.as_uuid(),
                        "post not found",
                    ),
                    Removal::Comment(comment) => (
                        tx.remove_comment_for_takedown(comment).await?,
                        AuditTarget::Comment,
                        comment,
                        "comment not found",
                    ),
                };
                let author = removed.ok_or_else(|| AppError::NotFound(missing.into()))?;
                let audit = NewModerationAction {
                    actor,
                    target,
                    target_id,
                    reason,
                    created_at: now,
                };
                audit_and_apply(tx, &audit, author, TrustEvent::ContentRemoved).await?;
                Ok(author)
            })
        })
        .await
        .map(|author| self.gate.forget(author))
    }

    /// `GET /moderation/audit`: one page of the audit log, newest first.
    pub async fn audit_log(&self, page: PageRequest) -> Result<Page<ModerationAction>, AppError> {
        self.repo
            .list_actions(page)
            .await
            .map_err(AppError::internal)
    }
}
