//! Ciel's domain model: typed ids, validated values, pure rules and the port traits that
//! adapters implement.
//!
//! This crate performs no I/O and depends on no database, HTTP, cache, queue or storage crate;
//! `cargo xtask tidy` enforces that. Everything here is deterministic given its inputs, so other
//! teams can reuse it anywhere.
#![warn(missing_docs)]

pub mod accounts;
pub mod avatars;
pub mod devices;
pub mod graph;
pub mod ids;
pub mod invites;
pub mod media;
pub mod moderation;
pub mod notifications;
pub mod pagination;
pub mod ports;
pub mod posts;
pub mod ratelimit;
pub mod retention;
pub mod search;
pub mod stories;
pub mod time;
pub mod trust;
pub mod uploads;
pub mod users;
pub mod visibility;

pub use ids::{
    CommentId, HighlightId, LikeId, MediaId, NotificationId, PostId, ReactionId, StoryId, UploadId,
    UserId,
};
pub use pagination::{Cursor, CursorError, LimitError, Page, PageLimit, PageRequest};
