//! The demo world's content, made through the use cases themselves (so every rule, counter,
//! trust point and notification is the real one): per user two photos run through the real
//! image pipeline (upload, complete, the media job) into the object store, posts with them,
//! likes and comments from the others, and a story; so a client signed in as a demo user sees a
//! populated home feed. Skipped when the first demo user already has posts (idempotent).

use anyhow::{Context, Result, bail};
use ciel_app::media::{JobReport, MediaJobSettings};
use ciel_app::{
    AvatarUrls, CoreDeps, MediaJobService, MediaService, MediaSettings, MediaUrls, PostService,
    RelayWake, StoryService, SystemClock,
};
use ciel_domain::ports::{ImageProcessor, MediaJob, ObjectStore, UnitOfWork};
use ciel_domain::visibility::StoryVisibility;
use ciel_domain::{MediaId, PageLimit, PageRequest, UserId};
use ciel_storage::PgPool;
use std::sync::Arc;
use std::time::Duration;

/// Photos per demo user (one post each; the first user's last one is also a story).
const PHOTOS_PER_USER: usize = 2;

/// Captions, cycled.
const CAPTIONS: [&str; 6] = [
    "First light over the ridge.",
    "The long walk home.",
    "Golden hour, again.",
    "Quiet morning in the valley.",
    "Colours I did not expect.",
    "Same hill, different sky.",
];

/// Comments, cycled.
const COMMENTS: [&str; 4] = [
    "Beautiful light!",
    "Where is this?",
    "Those colours 😍",
    "Adding this to my list.",
];

/// What the content seed did.
#[derive(Debug, Default)]
pub struct ContentReport {
    /// Posts created (0 when skipped).
    pub posts: usize,
    /// Likes created.
    pub likes: usize,
    /// Comments created.
    pub comments: usize,
    /// Stories created.
    pub stories: usize,
    /// Whether content was already there.
    pub skipped: bool,
}

struct Services {
    media: MediaService,
    jobs: MediaJobService,
    posts: PostService,
    stories: StoryService,
    store: Arc<dyn ObjectStore>,
}

fn services(
    pool: &PgPool,
    store: Arc<dyn ObjectStore>,
    images: Arc<dyn ImageProcessor>,
) -> Services {
    let uow: Arc<dyn UnitOfWork> = Arc::new(ciel_storage::PgUnitOfWork::new(pool.clone()));
    let deps = CoreDeps {
        uow: uow.clone(),
        cache: None,
        media_urls: MediaUrls::new(Some(store.clone())),
        store: Some(store.clone()),
        avatars: AvatarUrls::new(Some(store.clone()), None),
        clock: Arc::new(SystemClock),
        cards: ciel_app::feed::PostCards::disabled(),
    };
    Services {
        media: MediaService::new(
            deps.clone(),
            MediaSettings {
                upload_url_ttl: Duration::from_secs(900),
                upload_max_bytes: 10 * 1024 * 1024,
            },
            RelayWake::new(),
        ),
        jobs: MediaJobService::new(
            uow,
            store.clone(),
            images,
            Arc::new(SystemClock),
            MediaJobSettings::default(),
        ),
        posts: PostService::new(deps.clone()),
        stories: StoryService::new(deps),
        store,
    }
}

/// One photo through the real flow: intent, the bytes into the store at the upload key,
/// complete, then the media job (the real pipeline) run here rather than by a worker.
async fn processed_photo(s: &Services, owner: UserId, n: usize) -> Result<MediaId> {
    let jpeg = crate::demo_photos::photo(n, 1200, 800)?;
    let len = i64::try_from(jpeg.len())?;
    let intent = s
        .media
        .create_upload(owner, "image/jpeg", len)
        .await
        .map_err(|e| anyhow::anyhow!("upload intent: {e}"))?;
    s.store
        .put(&intent.object_key, jpeg, "image/jpeg", "no-cache")
        .await
        .context("writing the demo photo to the object store")?;
    s.media
        .complete_upload(owner, intent.upload_id)
        .await
        .map_err(|e| anyhow::anyhow!("complete: {e}"))?;
    let job = MediaJob {
        upload_id: intent.upload_id,
        owner_id: owner,
        original_key: intent.object_key,
    };
    match s.jobs.run(job).await {
        JobReport::Completed(id) => Ok(id),
        other => bail!("the media job did not complete a demo photo: {other:?}"),
    }
}

/// Seeds the content for `users` (ids in seed order); skipped when the first already posted.
pub async fn seed_content(
    pool: &PgPool,
    store: Arc<dyn ObjectStore>,
    images: Arc<dyn ImageProcessor>,
    users: &[UserId],
) -> Result<ContentReport> {
    let s = services(pool, store, images);
    let Some(first) = users.first().copied() else {
        return Ok(ContentReport::default());
    };
    let page = PageRequest {
        limit: PageLimit::parse(Some(1)).map_err(|e| anyhow::anyhow!("{e:?}"))?,
        after: None,
    };
    let existing = s
        .posts
        .user_posts(Some(first), first, page)
        .await
        .map_err(|e| anyhow::anyhow!("reading demo posts: {e}"))?;
    if !existing.items.is_empty() {
        return Ok(ContentReport {
            skipped: true,
            ..ContentReport::default()
        });
    }
    let mut report = ContentReport::default();
    let mut n = 0;
    let mut posts = Vec::new();
    let mut story_media = None;
    for &owner in users {
        for _ in 0..PHOTOS_PER_USER {
            let media = processed_photo(&s, owner, n).await?;
            let post = s
                .posts
                .create(
                    owner,
                    vec![media],
                    Some(CAPTIONS[n % CAPTIONS.len()].to_owned()),
                )
                .await
                .map_err(|e| anyhow::anyhow!("demo post: {e}"))?;
            posts.push((owner, post.post.id));
            report.posts += 1;
            n += 1;
        }
        if owner == first {
            story_media = Some(processed_photo(&s, owner, n).await?);
            n += 1;
        }
    }
    for (i, (owner, post)) in posts.iter().enumerate() {
        for (j, &fan) in users.iter().filter(|u| *u != owner).enumerate() {
            if (i + j) % 3 != 2 {
                s.posts
                    .like(fan, *post)
                    .await
                    .map_err(|e| anyhow::anyhow!("demo like: {e}"))?;
                report.likes += 1;
            }
            if (i + j) % 2 == 0 {
                let body = COMMENTS[(i + j) % COMMENTS.len()].to_owned();
                s.posts
                    .comment(fan, *post, body)
                    .await
                    .map_err(|e| anyhow::anyhow!("demo comment: {e}"))?;
                report.comments += 1;
            }
        }
    }
    if let Some(media) = story_media {
        s.stories
            .create(
                first,
                media,
                Some("Out on the ridge today ☀️".to_owned()),
                StoryVisibility::Public,
            )
            .await
            .map_err(|e| anyhow::anyhow!("demo story: {e}"))?;
        report.stories += 1;
    }
    Ok(report)
}
