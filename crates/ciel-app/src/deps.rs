//! What the social use cases share: the unit of work, the cache, object storage for media and
//! avatar URLs, and the clock. Built once by the composition root; each service takes what it
//! needs from it.
//!
//! # Example
//!
//! ```
//! # use ciel_app::{AvatarUrls, CoreDeps, MediaUrls, SystemClock};
//! # use ciel_domain::ports::{RepoError, TxAbort, TxWork, UnitOfWork};
//! # use std::sync::Arc;
//! # /// A unit of work whose pool never has a connection to lend (see `ciel_app::tx`).
//! # struct Busy;
//! # #[async_trait::async_trait]
//! # impl UnitOfWork for Busy {
//! #     async fn transaction(&self, _: TxWork) -> Result<(), TxAbort> {
//! #         Err(RepoError::Busy("pool timed out".into()).into())
//! #     }
//! #     async fn connection(&self, _: TxWork) -> Result<(), TxAbort> {
//! #         Err(RepoError::Busy("pool timed out".into()).into())
//! #     }
//! # }
//! # fn deps() -> CoreDeps {
//! #     CoreDeps {
//! #         uow: Arc::new(Busy),
//! #         cache: None,
//! #         store: None,
//! #         avatars: AvatarUrls::new(None, None),
//! #         media_urls: MediaUrls::new(None),
//! #         clock: Arc::new(SystemClock),
//! #         cards: ciel_app::feed::PostCards::disabled(),
//! #     }
//! # }
//! # let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! use ciel_domain::ports::Clock;
//!
//! let deps = deps();
//! assert!(deps.cache.is_none() && deps.store.is_none(), "a mode may run without them");
//! let before = chrono::Utc::now();
//! assert!(deps.clock.now() >= before);
//! assert!(SystemClock.now() >= before);
//! ```

use crate::avatars::AvatarUrls;
use crate::feed::PostCards;
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
    /// Rendered feed posts, shared by every feed page showing them (`feed::cards`).
    pub cards: PostCards,
}
