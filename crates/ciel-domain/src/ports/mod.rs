//! Port traits: what the use cases need from the outside world. Adapters implement them in
//! `ciel-storage`, `ciel-cache`, `ciel-media` and `ciel-queue`; every port with two adapters
//! has one conformance suite in `ciel-testkit` that both pass.

pub mod accounts;
pub mod cache;
pub mod clock;
pub mod devices;
pub mod feed;
pub mod graph;
pub mod health;
pub mod invites;
pub mod jobs;
pub mod media;
pub mod moderation;
pub mod notifications;
pub mod object_store;
pub mod posts;
pub mod ratelimit;
pub mod repo;
pub mod stories;
pub mod trust;
pub mod uow;

pub use accounts::{AccountRepo, NewRefreshToken, RefreshTokenRepo, RotateOutcome, SignUpError};
pub use cache::{Cache, CacheError};
pub use clock::Clock;
pub use devices::{DeviceRepo, RegisterOutcome};
pub use feed::FeedStore;
pub use graph::GraphStore;
pub use health::{DatabaseProbe, ProbeError};
pub use invites::{CreateInviteError, InviteRepo};
pub use jobs::{JobQueue, MediaJob, QueueError};
pub use media::MediaStore;
pub use moderation::{FlagError, ModerationRepo};
pub use notifications::NotificationStore;
pub use object_store::{ObjectMeta, ObjectStore, ObjectStoreError, PresignedPut};
pub use posts::PostStore;
pub use ratelimit::{Decision, Limit, RateLimiter};
pub use repo::RepoError;
pub use stories::StoryStore;
pub use trust::{TrustRepo, TrustStore};
pub use uow::{BoxFuture, Tx, TxAbort, TxWork, UnitOfWork};
