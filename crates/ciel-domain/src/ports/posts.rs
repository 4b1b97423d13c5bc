//! The post store: posts, their media, likes and comments. Every read that takes a `viewer`
//! applies the one post-visibility predicate (contract §3.1) in SQL.
//!
//! # Example
//!
//! A like is written only when the post is visible to the liker; the store reports whether the
//! like was new, so points and notifications happen once:
//!
//! ```
//! use chrono::Utc;
//! use ciel_domain::ports::{PostStore, RepoError};
//! use ciel_domain::{PostId, UserId};
//!
//! async fn like(store: &mut dyn PostStore, user: UserId, post: PostId) -> Result<Option<bool>, RepoError> {
//!     if store.visible_post_owner(Some(user), post).await?.is_none() {
//!         return Ok(None); // 404
//!     }
//!     store.insert_like(user, post, Utc::now()).await.map(Some)
//! }
//! # let _ = like;
//! use ciel_domain::posts::{check_caption, CAPTION_MAX_BYTES};
//! assert!(check_caption(Some(&"a".repeat(CAPTION_MAX_BYTES))).is_ok());
//! assert!(check_caption(Some(&"a".repeat(CAPTION_MAX_BYTES + 1))).is_err());
//! ```

use crate::pagination::PageRequest;
use crate::ports::repo::RepoError;
use crate::posts::{Comment, Like, NewPost, Post, PostCounts, PostKey};
use crate::time::Timestamp;
use crate::{CommentId, MediaId, PostId, UserId};
use async_trait::async_trait;

/// Posts, likes and comments, inside a unit of work.
#[async_trait]
pub trait PostStore: Send {
    /// The posts among `ids` that exist, with their owner's handle, display name and avatar
    /// key and their media ids in position order; in no particular order. Applies no
    /// visibility rule: callers pass ids a visible list or check already produced.
    async fn load_posts(&mut self, ids: &[PostId]) -> Result<Vec<Post>, RepoError>;

    /// How many of `ids` are processed media owned by `owner`.
    async fn count_owned_media(
        &mut self,
        owner: UserId,
        ids: &[MediaId],
    ) -> Result<usize, RepoError>;

    /// Stores a post and its media links (position = index in `media_ids`).
    async fn insert_post(&mut self, post: &NewPost) -> Result<(), RepoError>;

    /// The owner of post `id` when it exists and is visible to `viewer` (`None`: anonymous);
    /// `None` when it is missing or hidden.
    async fn visible_post_owner(
        &mut self,
        viewer: Option<UserId>,
        id: PostId,
    ) -> Result<Option<UserId>, RepoError>;

    /// Sets the caption of `owner`'s post `id`; false when there is no such post of theirs.
    async fn update_caption(
        &mut self,
        owner: UserId,
        id: PostId,
        caption: Option<&str>,
    ) -> Result<bool, RepoError>;

    /// Deletes `owner`'s post `id` (likes, comments, flags and media links cascade; media rows
    /// stay); false when there is no such post of theirs.
    async fn delete_post(&mut self, owner: UserId, id: PostId) -> Result<bool, RepoError>;

    /// Exact like and comment counts of post `id`, and whether `viewer` liked it (`None` when
    /// there is no viewer).
    async fn post_counts(
        &mut self,
        id: PostId,
        viewer: Option<UserId>,
    ) -> Result<(PostCounts, Option<bool>), RepoError>;

    /// Records `user`'s like of `post` unless it exists; true when it was newly created.
    async fn insert_like(
        &mut self,
        user: UserId,
        post: PostId,
        now: Timestamp,
    ) -> Result<bool, RepoError>;

    /// Removes `user`'s like of `post`; false when there was none.
    async fn delete_like(&mut self, user: UserId, post: PostId) -> Result<bool, RepoError>;

    /// Up to `limit + 1` likes of `post` after the cursor, by (created_at, id) DESC.
    async fn likes_page(&mut self, post: PostId, page: PageRequest)
    -> Result<Vec<Like>, RepoError>;

    /// Stores `user`'s comment on `post` and returns its id.
    async fn insert_comment(
        &mut self,
        user: UserId,
        post: PostId,
        body: &str,
        now: Timestamp,
    ) -> Result<CommentId, RepoError>;

    /// Up to `limit + 1` comments of `post` after the cursor, by (created_at, id) DESC.
    async fn comments_page(
        &mut self,
        post: PostId,
        page: PageRequest,
    ) -> Result<Vec<Comment>, RepoError>;

    /// Deletes comment `id` when it is on `post` and written by `user`; false otherwise.
    async fn delete_comment(
        &mut self,
        user: UserId,
        post: PostId,
        id: CommentId,
    ) -> Result<bool, RepoError>;

    /// Up to `limit + 1` keys of `owner`'s posts visible to `viewer`, after the cursor, by
    /// (created_at, id) DESC.
    async fn user_post_keys(
        &mut self,
        owner: UserId,
        viewer: Option<UserId>,
        page: PageRequest,
    ) -> Result<Vec<PostKey>, RepoError>;
}
