//! Listing and reading notifications (contract §2.8, §3.4). Notifications are written by the
//! use cases whose actions cause them, in the same transaction; this service only reads them
//! and marks them read.
//!
//! # Example
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
//! use ciel_app::{AppError, NotificationService};
//! use ciel_domain::pagination::{PageLimit, PageRequest};
//! use ciel_domain::UserId;
//!
//! let notifications = NotificationService::new(deps());
//! let first = PageRequest { limit: PageLimit::parse(Some(20)).unwrap(), after: None };
//! let listed = rt.block_on(notifications.list(UserId::generate(), first));
//! assert!(matches!(listed, Err(AppError::Unavailable { retry_after_secs: 1, .. })));
//! ```

use crate::deps::CoreDeps;
use crate::error::AppError;
use crate::tx::{read, transact};
use ciel_domain::notifications::Notification;
use ciel_domain::{Cursor, NotificationId, Page, PageRequest, UserId};

/// Listing and reading notifications (contract §2.8, §3.4).
#[derive(Clone)]
pub struct NotificationService {
    deps: CoreDeps,
}

impl NotificationService {
    /// A service over the shared dependencies.
    pub fn new(deps: CoreDeps) -> Self {
        Self { deps }
    }

    /// A page of `user`'s notifications, read and unread, newest first.
    pub async fn list(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Page<Notification>, AppError> {
        let rows = read(&*self.deps.uow, move |tx| {
            Box::pin(async move { Ok(tx.list_notifications(user, page).await?) })
        })
        .await?;
        Ok(Page::from_lookahead(
            rows,
            page.limit,
            |n: &Notification| Cursor {
                ts: n.created_at,
                id: n.id.as_uuid(),
            },
        ))
    }

    /// Marks `user`'s notification `id` read; 404 when it is unknown, someone else's, or
    /// already read.
    pub async fn mark_read(&self, user: UserId, id: NotificationId) -> Result<(), AppError> {
        let now = self.deps.clock.now();
        let marked = transact(&*self.deps.uow, move |tx| {
            Box::pin(async move { Ok(tx.mark_notification_read(user, id, now).await?) })
        })
        .await?;
        if marked {
            Ok(())
        } else {
            Err(AppError::NotFound("notification not found".to_owned()))
        }
    }
}
