//! Listing and reading notifications (contract §2.8, §3.4). Notifications are written by the
//! use cases whose actions cause them, in the same transaction; this service only reads them
//! and marks them read.

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
