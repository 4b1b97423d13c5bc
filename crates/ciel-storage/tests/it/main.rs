//! Storage integration tests against real Postgres: migrations, repositories, the demo seed.

mod accounts;
mod checked_first_page;
mod feed;
mod feed_heads;
mod graph;
mod home_timeline;
mod migrations;
mod notifications;
mod posts;
mod refresh_tokens;
mod repos;
mod story_visibility;
mod thread_pools;
mod tls;
mod uow;
mod user_invites;
