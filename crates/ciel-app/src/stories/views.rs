//! What story and viewer responses carry besides the rows: the story's media with URLs and the
//! author's (or viewer's) avatar URL. Built for a whole page at once: one media query, and the
//! URLs signed concurrently.

use super::StoryService;
use crate::error::AppError;
use crate::media_urls::MediaView;
use crate::tx;
use ciel_domain::media::Media;
use ciel_domain::stories::{Story, StoryViewer};
use ciel_domain::{MediaId, Page};
use futures_util::future::join_all;
use std::collections::HashMap;

/// A story as an endpoint returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoryView {
    /// The story.
    pub story: Story,
    /// `media`: the story's photo with URLs.
    pub media: Option<MediaView>,
    /// `user_avatar_url`, when the author has an avatar.
    pub user_avatar_url: Option<String>,
}

/// A viewer as `GET /stories/:id/viewers` returns them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewerView {
    /// The viewer.
    pub viewer: StoryViewer,
    /// `viewer_avatar_url`, when they have an avatar.
    pub viewer_avatar_url: Option<String>,
}

impl StoryService {
    /// Views of `stories` with their media (`known` media need no query).
    pub(super) async fn views(
        &self,
        stories: Vec<Story>,
        known: Vec<Media>,
    ) -> Result<Vec<StoryView>, AppError> {
        let mut media: HashMap<MediaId, Media> = known.into_iter().map(|m| (m.id, m)).collect();
        let missing: Vec<MediaId> = stories
            .iter()
            .map(|s| s.media_id)
            .filter(|id| !media.contains_key(id))
            .collect();
        if !missing.is_empty() {
            let loaded = tx::read(&*self.deps.uow, move |tx| {
                Box::pin(async move { Ok(tx.media_by_ids(&missing).await?) })
            })
            .await?;
            media.extend(loaded.into_iter().map(|m| (m.id, m)));
        }
        let deps = &self.deps;
        Ok(join_all(stories.into_iter().map(|story| {
            let m = media.get(&story.media_id).cloned();
            async move {
                let user_avatar_url = deps.avatars.url(story.user_avatar_key.as_deref()).await;
                let media = match m {
                    Some(m) => Some(deps.media_urls.view(m).await),
                    None => None,
                };
                StoryView {
                    story,
                    media,
                    user_avatar_url,
                }
            }
        }))
        .await)
    }

    /// A page of stories as views.
    pub(super) async fn page_views(&self, page: Page<Story>) -> Result<Page<StoryView>, AppError> {
        let next_cursor = page.next_cursor;
        let items = self.views(page.items, Vec::new()).await?;
        Ok(Page { items, next_cursor })
    }

    /// A page of viewers with their avatar URLs.
    pub(super) async fn viewer_views(&self, page: Page<StoryViewer>) -> Page<ViewerView> {
        let deps = &self.deps;
        let items = join_all(page.items.into_iter().map(|viewer| async move {
            let viewer_avatar_url = deps.avatars.url(viewer.viewer_avatar_key.as_deref()).await;
            ViewerView {
                viewer,
                viewer_avatar_url,
            }
        }))
        .await;
        Page {
            items,
            next_cursor: page.next_cursor,
        }
    }
}
