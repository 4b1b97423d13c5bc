//! Ciel's domain model: typed ids, validated values, pure rules and the port traits that
//! adapters implement.
//!
//! This crate performs no I/O and depends on no database, HTTP, cache, queue or storage crate;
//! `cargo xtask tidy` enforces that. Everything here is deterministic given its inputs, so other
//! teams can reuse it anywhere.
//!
//! # Example
//!
//! Validated values, pure rules and keyset pages, with no I/O:
//!
//! ```
//! use ciel_domain::accounts::Handle;
//! use ciel_domain::graph::{FollowDecision, FollowFacts, decide_follow};
//! use ciel_domain::{PageLimit, UserId};
//!
//! assert!(Handle::parse("ada_lovelace").is_ok());
//! let facts = FollowFacts { followee_at_limit: true, ..FollowFacts::default() };
//! assert_eq!(decide_follow(facts), FollowDecision::FollowerLimitReached);
//! assert_ne!(UserId::generate(), UserId::generate());
//! assert!(PageLimit::parse(Some(30)).is_ok());
//! ```
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
