//! Port traits: what the use cases need from the outside world. Adapters implement them in
//! `ciel-storage`, `ciel-cache`, `ciel-media` and `ciel-queue`; every port with two adapters
//! has one conformance suite in `ciel-testkit` that both pass.
//!
//! # Example
//!
//! A use case holds ports as trait objects; tests and other teams plug in their own adapters:
//!
//! ```
//! use ciel_domain::ports::Clock;
//! use ciel_domain::time::Timestamp;
//! use chrono::TimeZone;
//! use std::sync::Arc;
//!
//! struct Fixed(Timestamp);
//! impl Clock for Fixed {
//!     fn now(&self) -> Timestamp {
//!         self.0
//!     }
//! }
//! let at = chrono::Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
//! let clock: Arc<dyn Clock> = Arc::new(Fixed(at));
//! assert_eq!(clock.now(), at);
//! ```

pub mod account_store;
pub mod accounts;
pub mod avatar_media;
pub mod cache;
pub mod card_store;
pub mod clock;
pub mod device_store;
pub mod devices;
pub mod feed;
pub mod graph;
pub mod health;
pub mod images;
pub mod invite_store;
pub mod invites;
pub mod jobs;
pub mod maintenance;
pub mod media;
pub mod moderation;
pub mod moderation_store;
pub mod notifications;
pub mod object_store;
pub mod outbox;
pub mod posts;
pub mod ratelimit;
pub mod repo;
pub mod search;
pub mod session_store;
pub mod stories;
pub mod trust;
pub mod uow;
pub mod uploads;

pub use account_store::{AccountStanding, AccountStore, IdentityHolders};
pub use accounts::{AccountRepo, NewRefreshToken, RefreshTokenRepo, RotateOutcome};
pub use avatar_media::AvatarMediaRepo;
pub use cache::{Cache, CacheError};
pub use card_store::CardStore;
pub use clock::Clock;
pub use device_store::{DeviceSeen, DeviceState, DeviceStore};
pub use devices::{DeviceRepo, RegisterOutcome};
pub use feed::FeedStore;
pub use graph::GraphStore;
pub use health::{DatabaseProbe, ProbeError};
pub use images::{ImageError, ImageFormat, ImageLimits, ImageProcessor, ProcessedImage};
pub use invite_store::InviteStore;
pub use invites::InviteRepo;
pub use jobs::{JobQueue, MediaJob, QueueError};
pub use maintenance::{FollowEdgeKey, HeadRepairBatch, MaintenanceStore, TimelineTrimBatch};
pub use media::MediaStore;
pub use moderation::ModerationRepo;
pub use moderation_store::ModerationStore;
pub use notifications::NotificationStore;
pub use object_store::{ObjectMeta, ObjectStore, ObjectStoreError, PresignedPut};
pub use outbox::{OutboxEntry, OutboxStore};
pub use posts::PostStore;
pub use ratelimit::{Decision, Limit, RateLimiter};
pub use repo::RepoError;
pub use search::SearchStore;
pub use session_store::{LockedRefreshToken, SessionStore};
pub use stories::StoryStore;
pub use trust::{TrustRepo, TrustStore};
pub use uow::{BoxFuture, Tx, TxAbort, TxWork, UnitOfWork};
pub use uploads::UploadStore;
