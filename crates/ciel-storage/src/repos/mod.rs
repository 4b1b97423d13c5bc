//! Postgres implementations of the domain's repository ports, one file per port.

pub mod accounts;
pub mod avatar_media;
pub mod devices;
pub(crate) mod errors;
pub mod invites;
pub mod moderation;
pub mod refresh_tokens;
pub mod trust;

pub use accounts::PgAccountRepo;
pub use avatar_media::PgAvatarMediaRepo;
pub use devices::PgDeviceRepo;
pub use invites::PgInviteRepo;
pub use moderation::PgModerationRepo;
pub use refresh_tokens::PgRefreshTokenRepo;
pub use trust::PgTrustRepo;
