//! Creating, editing and deleting posts (contract §2.5). A new or deleted post invalidates the
//! cached first home-feed page of its author and of every follower (§3.2) after commit, in one
//! cache call; cache errors are logged, never returned.

use super::{PostService, post_not_found};
use crate::cache_keys;
use crate::error::AppError;
use crate::post_view::PostView;
use crate::trust;
use crate::tx::{read, transact};
use ciel_domain::posts::{NewPost, PostRuleError, check_caption, check_media_ids};
use ciel_domain::time::to_db_precision;
use ciel_domain::trust::TrustEvent;
use ciel_domain::visibility::PostVisibility;
use ciel_domain::{MediaId, PostId, UserId};

fn invalid(err: PostRuleError) -> AppError {
    AppError::Invalid(err.to_string())
}

impl PostService {
    /// `POST /posts`: 1–10 distinct processed media of the caller, in order, and an optional
    /// caption; always public. The post, its media links and the author's trust points are
    /// written in one transaction.
    pub async fn create(
        &self,
        caller: UserId,
        media_ids: Vec<MediaId>,
        caption: Option<String>,
    ) -> Result<PostView, AppError> {
        check_media_ids(&media_ids).map_err(invalid)?;
        check_caption(caption.as_deref()).map_err(invalid)?;
        let now = to_db_precision(self.deps.clock.now());
        let new = NewPost {
            id: PostId::generate(),
            owner_id: caller,
            caption,
            media_ids,
            visibility: PostVisibility::Public,
            created_at: now,
        };
        let (post, followers) = transact(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                let owned = tx.count_owned_media(caller, &new.media_ids).await?;
                if owned != new.media_ids.len() {
                    return Err(invalid(PostRuleError::InvalidMedia));
                }
                tx.insert_post(&new).await?;
                trust::apply(tx, caller, TrustEvent::PostCreated, now).await?;
                let followers = tx.follower_ids(caller).await?;
                let post = tx.load_posts(&[new.id]).await?.pop();
                Ok((post, followers))
            })
        })
        .await?;
        let post = post.ok_or_else(|| AppError::internal("a created post could not be read"))?;
        self.invalidate_home_feeds(caller, &followers).await;
        let avatar = self
            .deps
            .avatars
            .url(post.owner_avatar_key.as_deref())
            .await;
        let mut view = PostView::bare(post);
        view.owner_avatar_url = avatar;
        Ok(view)
    }

    /// `PATCH /posts/:id`: sets the caption (`None` clears it); only the owner's post, else
    /// 404. The caller decides what "absent" means (contract §0: unchanged) and does not call
    /// this then — see [`PostService::current`].
    pub async fn set_caption(
        &self,
        caller: UserId,
        id: PostId,
        caption: Option<String>,
    ) -> Result<PostView, AppError> {
        check_caption(caption.as_deref()).map_err(invalid)?;
        let post = transact(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                if !tx.update_caption(caller, id, caption.as_deref()).await? {
                    return Err(post_not_found());
                }
                Ok(tx.load_posts(&[id]).await?.pop())
            })
        })
        .await?
        .ok_or_else(post_not_found)?;
        self.deps.cards.forget(id);
        Ok(self.bare_with_avatar(post).await)
    }

    /// `PATCH /posts/:id` without a `caption`: the caller's post unchanged; 404 unless theirs.
    pub async fn current(&self, caller: UserId, id: PostId) -> Result<PostView, AppError> {
        let post = read(&*self.deps.uow, move |tx| {
            Box::pin(async move { Ok(tx.load_posts(&[id]).await?.pop()) })
        })
        .await?
        .filter(|p| p.owner_id == caller)
        .ok_or_else(post_not_found)?;
        Ok(self.bare_with_avatar(post).await)
    }

    /// `DELETE /posts/:id`: hard delete of the caller's post (likes, comments, flags and media
    /// links cascade; media rows stay); 404 unless theirs.
    pub async fn delete(&self, caller: UserId, id: PostId) -> Result<(), AppError> {
        let followers = transact(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                if !tx.delete_post(caller, id).await? {
                    return Err(post_not_found());
                }
                Ok(tx.follower_ids(caller).await?)
            })
        })
        .await?;
        self.deps.cards.forget(id);
        self.invalidate_home_feeds(caller, &followers).await;
        Ok(())
    }

    async fn bare_with_avatar(&self, post: ciel_domain::posts::Post) -> PostView {
        let avatar = self
            .deps
            .avatars
            .url(post.owner_avatar_key.as_deref())
            .await;
        let mut view = PostView::bare(post);
        view.owner_avatar_url = avatar;
        view
    }

    /// Drops the cached first home-feed page of `author` and of every follower, in one call.
    async fn invalidate_home_feeds(&self, author: UserId, followers: &[UserId]) {
        let Some(cache) = &self.deps.cache else {
            return;
        };
        let keys: Vec<String> = std::iter::once(author)
            .chain(followers.iter().copied())
            .map(cache_keys::home_feed)
            .collect();
        if let Err(err) = cache.delete_many(&keys).await {
            tracing::warn!(error = %err, keys = keys.len(), "home feed invalidation failed");
        }
    }
}
