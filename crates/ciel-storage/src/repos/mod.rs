//! Postgres implementations of the domain's repository ports, one file per port.

mod errors;
pub mod invites;
pub mod moderation;
pub mod trust;

pub use invites::PgInviteRepo;
pub use moderation::PgModerationRepo;
pub use trust::PgTrustRepo;
