//! Postgres implementations of the domain's repository ports, one file per port.

mod errors;
pub mod invites;
pub mod moderation;

pub use invites::PgInviteRepo;
pub use moderation::PgModerationRepo;
