//! Route table and handlers, one module per area.

pub mod admin;
pub mod auth;
pub mod fallback;
pub mod feed;
pub mod graph;
pub mod health;
pub mod invites;
pub mod lambda;
pub mod media;
pub mod metrics;
pub mod moderation;
pub mod notifications;
pub mod openapi;
pub mod posts;
pub mod search;
pub mod stories;
pub mod users;
