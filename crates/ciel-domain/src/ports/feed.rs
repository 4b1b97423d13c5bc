//! The feed store: one page of a viewer's home feed (contract §3.2).
//!
//! # Example
//!
//! A store with no posts gives an empty first page; `fetch` is the page size plus a look-ahead:
//!
//! ```
//! use async_trait::async_trait;
//! use ciel_domain::posts::PostKey;
//! use ciel_domain::ports::{FeedStore, RepoError};
//! use ciel_domain::time::Timestamp;
//! use ciel_domain::{Cursor, Page, PageLimit, UserId};
//!
//! struct Empty;
//! #[async_trait]
//! impl FeedStore for Empty {
//!     async fn home_feed_keys(&mut self, _: UserId, _: Option<Cursor>, fetch: i64) -> Result<Vec<PostKey>, RepoError> {
//!         assert_eq!(fetch, 31, "30 and one to know whether more follow");
//!         Ok(Vec::new())
//!     }
//!     async fn first_page_keys_if_active(&mut self, _: UserId, _: i64, _: Timestamp) -> Result<Option<Vec<PostKey>>, RepoError> {
//!         Ok(None)
//!     }
//! }
//!
//! let limit = PageLimit::parse(Some(30)).unwrap();
//! let rows = futures_executor::block_on(Empty.home_feed_keys(UserId::generate(), None, limit.fetch_count())).unwrap();
//! let page = Page::from_lookahead(rows, limit, |p: &PostKey| Cursor { ts: p.created_at, id: p.id.as_uuid() });
//! assert!(page.items.is_empty() && page.next_cursor.is_none());
//! ```

use crate::Cursor;
use crate::UserId;
use crate::ports::repo::RepoError;
use crate::posts::PostKey;
use crate::time::Timestamp;
use async_trait::async_trait;

/// Reads the home feed, inside a unit of work.
#[async_trait]
pub trait FeedStore: Send {
    /// The keys of up to `fetch` posts of `viewer`'s home feed strictly after `after` (from the
    /// newest when `None`), ordered `created_at DESC, id DESC`: the viewer's own posts and those
    /// of the users the viewer follows, all visibilities, without owners that are soft-deleted
    /// or in a block with the viewer in either direction. Keys only: the posts themselves come
    /// from [`PostStore::load_posts`](crate::ports::PostStore::load_posts) for those the caller
    /// has not rendered already. The cost is bounded by the follow count and `fetch`, not by the
    /// number of posts.
    async fn home_feed_keys(
        &mut self,
        viewer: UserId,
        after: Option<Cursor>,
        fetch: i64,
    ) -> Result<Vec<PostKey>, RepoError>;

    /// The first page ([`home_feed_keys`](Self::home_feed_keys) without a cursor) of a viewer
    /// whose account is still to be checked: `None` when `viewer` is not active at `now`
    /// (unknown, soft-deleted or banned), so the caller refuses the request. The check costs no
    /// statement of its own whenever the page has a row: the page's statement reads only the
    /// rows of an active viewer.
    async fn first_page_keys_if_active(
        &mut self,
        viewer: UserId,
        fetch: i64,
        now: Timestamp,
    ) -> Result<Option<Vec<PostKey>>, RepoError>;
}
