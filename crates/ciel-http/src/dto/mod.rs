//! Wire DTOs: the JSON shapes of contract §1.8, built from domain values. Only this crate
//! knows them.

pub mod auth;
pub mod engagement;
pub mod invite;
pub mod media;
pub mod moderation;
pub mod notification;
pub mod page;
pub mod post;
pub mod safety;
pub mod social;
pub mod story;
pub mod user;

pub use page::PageDto;
