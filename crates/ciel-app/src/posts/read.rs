//! Reading posts: one post with counts (`GET /posts/:id`) and a user's posts
//! (`GET /users/:id/posts`), both through the one visibility predicate.

use super::assemble::{load_in_order, with_media};
use super::{PostService, post_not_found};
use crate::error::AppError;
use crate::post_view::PostView;
use crate::tx::read;
use ciel_domain::{Cursor, Page, PageRequest, PostId, UserId};

impl PostService {
    /// `GET /posts/:id`: the post with its first media, owner avatar URL, exact counts and —
    /// for an authenticated viewer — whether they liked it. 404 when missing or hidden.
    pub async fn get(&self, viewer: Option<UserId>, id: PostId) -> Result<PostView, AppError> {
        let (post, media, counts, liked) = read(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                if tx.visible_post_owner(viewer, id).await?.is_none() {
                    return Err(post_not_found());
                }
                let post = tx
                    .load_posts(&[id])
                    .await?
                    .pop()
                    .ok_or_else(post_not_found)?;
                let media = match post.media_ids.first() {
                    Some(first) => tx.media_by_ids(&[*first]).await?,
                    None => Vec::new(),
                };
                let (counts, liked) = tx.post_counts(id, viewer).await?;
                Ok((post, media, counts, liked))
            })
        })
        .await?;
        let mut view = with_media(&self.deps, vec![post], media)
            .await
            .pop()
            .ok_or_else(post_not_found)?;
        view.counts = Some(counts);
        view.liked_by_viewer = liked;
        Ok(view)
    }

    /// `GET /users/:id/posts`: `owner`'s posts visible to `viewer`, newest first, with their
    /// first media and the owner's avatar URL (no counts). An unknown user has no posts.
    pub async fn user_posts(
        &self,
        viewer: Option<UserId>,
        owner: UserId,
        page: PageRequest,
    ) -> Result<Page<PostView>, AppError> {
        let (keys, posts, media) = read(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                let keys = tx.user_post_keys(owner, viewer, page).await?;
                let mut page_keys = keys.clone();
                page_keys.truncate(usize::from(page.limit.get()));
                let (posts, media) = load_in_order(tx, &page_keys).await?;
                Ok((keys, posts, media))
            })
        })
        .await?;
        let next = Page::from_lookahead(keys, page.limit, |k| Cursor {
            ts: k.created_at,
            id: k.id.as_uuid(),
        })
        .next_cursor;
        Ok(Page {
            items: with_media(&self.deps, posts, media).await,
            next_cursor: next,
        })
    }
}
