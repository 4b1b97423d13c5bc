//! The notification store: notifications are written in the same transaction as the action
//! that causes them (contract §0: never dropped), listed and marked read by their recipient.
//!
//! # Example
//!
//! The use case builds the notification with the domain rule (nobody is told of their own act)
//! and the store only inserts it:
//!
//! ```
//! use chrono::Utc;
//! use ciel_domain::notifications::{Actor, NewNotification, NotificationKind};
//! use ciel_domain::ports::{NotificationStore, RepoError};
//! use ciel_domain::UserId;
//!
//! async fn tell(store: &mut dyn NotificationStore, n: Option<NewNotification>) -> Result<(), RepoError> {
//!     match n {
//!         Some(n) => store.insert_notification(&n, Utc::now()).await,
//!         None => Ok(()),
//!     }
//! }
//! # let _ = tell;
//! let ann = Actor { id: UserId::generate(), handle: "ann".into(), display_name: "Ann".into() };
//! let bob = UserId::generate();
//! let n = NewNotification::user_followed(&ann, bob).unwrap();
//! assert_eq!((n.recipient, n.kind.as_str()), (bob, "user_followed"));
//! assert!(NewNotification::user_followed(&ann, ann.id).is_none());
//! assert_eq!(n.kind, NotificationKind::UserFollowed);
//! ```

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
