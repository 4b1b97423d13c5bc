//! The notification store: notifications are written in the same transaction as the action
//! that causes them (contract §0: never dropped), listed and marked read by their recipient.

use crate::notifications::{NewNotification, Notification};
use crate::pagination::PageRequest;
use crate::ports::repo::RepoError;
use crate::time::Timestamp;
use crate::{NotificationId, UserId};
use async_trait::async_trait;

/// Notifications, inside a unit of work.
#[async_trait]
pub trait NotificationStore: Send {
    /// Records `notification`, created at `now`.
    async fn insert_notification(
        &mut self,
        notification: &NewNotification,
        now: Timestamp,
    ) -> Result<(), RepoError>;

    /// Up to `page.limit + 1` of `user`'s notifications, read and unread, key
    /// `(created_at, id)` DESC, strictly after `page.after`.
    async fn list_notifications(
        &mut self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Vec<Notification>, RepoError>;

    /// Sets `read_at = now` on `user`'s notification `id` if it is still unread; `false` when
    /// it is unknown, someone else's, or already read.
    async fn mark_notification_read(
        &mut self,
        user: UserId,
        id: NotificationId,
        now: Timestamp,
    ) -> Result<bool, RepoError>;
}
