//! Wire DTOs: the JSON shapes of contract §1.8, built from domain values. Only this crate
//! knows them.

pub mod invite;
pub mod moderation;
pub mod page;

pub use page::PageDto;
