//! Relationships and the follower / following lists (reads on one pooled connection).

use super::{SocialService, SocialUser};
use crate::avatars::AvatarUrls;
use crate::error::AppError;
use crate::tx::read;
use ciel_domain::graph::{FollowEntry, FollowList, Relationship};
use ciel_domain::{Cursor, Page, PageRequest, UserId};
use tokio::task::JoinSet;

impl SocialService {
    /// How `target` relates to `caller`; all false when they are the same user (and for an
    /// unknown target). Blocks are not applied here (contract §3.1).
    pub async fn relationship(
        &self,
        caller: UserId,
        target: UserId,
    ) -> Result<Relationship, AppError> {
        if caller == target {
            return Ok(Relationship::default());
        }
        read(&*self.deps.uow, move |tx| {
            Box::pin(async move { Ok(tx.relationship(caller, target).await?) })
        })
        .await
    }

    /// A page of `user`'s followers or following, newest follow first, soft-deleted users
    /// left out; an unknown user has an empty list.
    pub async fn follow_list(
        &self,
        user: UserId,
        list: FollowList,
        page: PageRequest,
    ) -> Result<Page<SocialUser>, AppError> {
        let rows = read(&*self.deps.uow, move |tx| {
            Box::pin(async move { Ok(tx.follow_list(user, list, page).await?) })
        })
        .await?;
        let page = Page::from_lookahead(rows, page.limit, |e: &FollowEntry| Cursor {
            ts: e.followed_at,
            id: e.user.id.as_uuid(),
        });
        let keys = page
            .items
            .iter()
            .map(|e| e.user.avatar_key.clone())
            .collect();
        let mut urls = avatar_urls(&self.deps.avatars, keys).await.into_iter();
        Ok(page.map(|e| SocialUser {
            avatar_url: urls.next().flatten(),
            user: e.user,
            followed_at: e.followed_at,
        }))
    }
}

/// The avatar URL of each key, in order, signed (or read from the URL cache) concurrently.
async fn avatar_urls(avatars: &AvatarUrls, keys: Vec<Option<String>>) -> Vec<Option<String>> {
    let mut urls = vec![None; keys.len()];
    let mut tasks = JoinSet::new();
    for (i, key) in keys.into_iter().enumerate() {
        if let Some(key) = key.filter(|k| !k.is_empty()) {
            let avatars = avatars.clone();
            tasks.spawn(async move { (i, avatars.url(Some(&key)).await) });
        }
    }
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((i, url)) => urls[i] = url,
            Err(err) => tracing::warn!(error = %err, "avatar URL task failed"),
        }
    }
    urls
}
