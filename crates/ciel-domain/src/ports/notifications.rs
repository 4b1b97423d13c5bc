//! The notification store: notifications are written in the same transaction as the action
//! that causes them (contract §0: never dropped).

use crate::notifications::NewNotification;
use crate::ports::repo::RepoError;
use crate::time::Timestamp;
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
}
