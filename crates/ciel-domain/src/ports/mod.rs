//! Port traits: what the use cases need from the outside world. Adapters implement them in
//! `ciel-storage`, `ciel-cache`, `ciel-media` and `ciel-queue`; every port with two adapters
//! has one conformance suite in `ciel-testkit` that both pass.

pub mod accounts;
pub mod avatar_media;
pub mod cache;
pub mod devices;
pub mod health;
pub mod invites;
pub mod jobs;
pub mod moderation;
pub mod object_store;
pub mod ratelimit;
pub mod repo;
pub mod trust;

pub use accounts::{AccountRepo, NewRefreshToken, RefreshTokenRepo, RotateOutcome, SignUpError};
pub use avatar_media::AvatarMediaRepo;
pub use cache::{Cache, CacheError};
pub use devices::{DeviceRepo, RegisterOutcome};
pub use health::{DatabaseProbe, ProbeError};
pub use invites::{CreateInviteError, InviteRepo};
pub use jobs::{JobQueue, MediaJob, QueueError};
pub use moderation::{FlagError, ModerationRepo};
pub use object_store::{ObjectMeta, ObjectStore, ObjectStoreError, PresignedPut};
pub use ratelimit::{Decision, Limit, RateLimiter};
pub use repo::RepoError;
pub use trust::TrustRepo;
