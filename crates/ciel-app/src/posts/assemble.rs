//! Turning post keys into responses: load the posts (owner, ordered media ids) in one unit of
//! work, keep the list order, then attach the first media with signed URLs and the owner's
//! avatar URL (each distinct avatar signed once per response).

use crate::deps::CoreDeps;
use crate::error::AppError;
use crate::post_view::PostView;
use ciel_domain::media::Media;
use ciel_domain::ports::Tx;
use ciel_domain::posts::{Post, PostKey};
use ciel_domain::{MediaId, PostId};
use std::collections::HashMap;

/// The posts of `keys` in the same order, with the media of each post's first image. Posts
/// deleted since the keys were read are left out.
pub(crate) async fn load_in_order(
    tx: &mut dyn Tx,
    keys: &[PostKey],
) -> Result<(Vec<Post>, Vec<Media>), AppError> {
    let ids: Vec<PostId> = keys.iter().map(|k| k.id).collect();
    let mut by_id: HashMap<PostId, Post> = tx
        .load_posts(&ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let posts: Vec<Post> = ids.iter().filter_map(|id| by_id.remove(id)).collect();
    let firsts: Vec<MediaId> = posts
        .iter()
        .filter_map(|p| p.media_ids.first().copied())
        .collect();
    let media = tx.media_by_ids(&firsts).await?;
    Ok((posts, media))
}

/// Views with `primary_media` and `owner_avatar_url` (no counts).
pub(crate) async fn with_media(
    deps: &CoreDeps,
    posts: Vec<Post>,
    media: Vec<Media>,
) -> Vec<PostView> {
    let media: HashMap<MediaId, Media> = media.into_iter().map(|m| (m.id, m)).collect();
    let mut avatars: HashMap<String, Option<String>> = HashMap::new();
    let mut views = Vec::with_capacity(posts.len());
    for post in posts {
        let primary = match post.media_ids.first().and_then(|id| media.get(id)).cloned() {
            Some(m) => Some(deps.media_urls.view(m).await),
            None => None,
        };
        let avatar = owner_avatar(deps, &mut avatars, &post).await;
        let mut view = PostView::bare(post);
        view.primary_media = primary;
        view.owner_avatar_url = avatar;
        views.push(view);
    }
    views
}

/// The owner's avatar URL, signed once per distinct key.
pub(crate) async fn owner_avatar(
    deps: &CoreDeps,
    seen: &mut HashMap<String, Option<String>>,
    post: &Post,
) -> Option<String> {
    let key = post.owner_avatar_key.as_deref()?;
    if let Some(url) = seen.get(key) {
        return url.clone();
    }
    let url = deps.avatars.url(Some(key)).await;
    seen.insert(key.to_owned(), url.clone());
    url
}
