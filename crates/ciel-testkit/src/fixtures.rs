//! Storage-level fixtures for what the API cannot make yet: a processed (`completed`) media
//! row owned by a user, as the media pipeline would leave it. Tests use these instead of
//! weakening the API's checks.

use crate::app::{TestApp, TestUser};
use crate::db::TestDb;
use uuid::Uuid;

impl TestDb {
    /// Inserts a processed media (and the `completed` upload that produced it) owned by
    /// `owner`, and returns the media id.
    pub async fn completed_media(&self, owner: &str) -> String {
        let upload = Uuid::new_v4();
        let media = Uuid::new_v4();
        let owner = Uuid::parse_str(owner).expect("owner id is a UUID");
        self.run_sql(&format!(
            "INSERT INTO media (id, owner_id, original_key, thumb_key, medium_key, width, height, bytes) \
             VALUES ('{media}', '{owner}', 'uploads/{owner}/{upload}.jpg', \
                     'media/{owner}/{upload}/thumb.jpg', 'media/{owner}/{upload}/medium.jpg', \
                     1200, 800, 123456); \
             INSERT INTO media_uploads (id, owner_id, original_key, content_type, bytes, status, \
                                        uploaded_at, processed_media_id) \
             VALUES ('{upload}', '{owner}', 'uploads/{owner}/{upload}.jpg', 'image/jpeg', 123456, \
                     'completed', now(), '{media}');"
        ))
        .await;
        media.to_string()
    }
}

impl TestApp {
    /// A processed media owned by `user` (see [`TestDb::completed_media`]).
    pub async fn completed_media(&self, user: &TestUser) -> String {
        self.db.completed_media(&user.id).await
    }
}
