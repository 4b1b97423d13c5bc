//! Port traits: what the use cases need from the outside world. Adapters implement them in
//! `ciel-storage`, `ciel-cache`, `ciel-media` and `ciel-queue`; every port with two adapters
//! has one conformance suite in `ciel-testkit` that both pass.

pub mod cache;
pub mod health;
pub mod invites;
pub mod jobs;
pub mod moderation;
pub mod object_store;
pub mod repo;

pub use cache::{Cache, CacheError};
pub use health::{DatabaseProbe, ProbeError};
pub use invites::InviteRepo;
pub use jobs::{JobQueue, MediaJob, QueueError};
pub use moderation::ModerationRepo;
pub use object_store::{ObjectMeta, ObjectStore, ObjectStoreError, PresignedPut};
pub use repo::RepoError;
