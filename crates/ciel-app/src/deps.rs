//! What the social use cases share: the unit of work, the cache, object storage for media and
//! avatar URLs, and the clock. Built once by the composition root; each service takes what it
//! needs from it.

use crate::avatars::AvatarUrls;
use crate::media_urls::MediaUrls;
use ciel_domain::ports::{Cache, Clock, ObjectStore, UnitOfWork};
use ciel_domain::time::Timestamp;
use std::sync::Arc;

/// The real clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        chrono::Utc::now()
    }
}

/// Shared dependencies of the social use cases.
#[derive(Clone)]
pub struct CoreDeps {
    /// Repositories bound to one transaction or connection.
    pub uow: Arc<dyn UnitOfWork>,
    /// The cache (Redis in production); `None` where a mode runs without one.
    pub cache: Option<Arc<dyn Cache>>,
    /// Object storage, for presigned media URLs; `None` where a mode runs without one.
    pub store: Option<Arc<dyn ObjectStore>>,
    /// Avatar URLs (presigned, cached).
    pub avatars: AvatarUrls,
    /// Media URLs (presigned, 1 h).
    pub media_urls: MediaUrls,
    /// The clock.
    pub clock: Arc<dyn Clock>,
}
