//! Storage integration tests against real Postgres: migrations, repositories, the demo seed.

mod accounts;
mod devices;
mod feed;
mod migrations;
mod moderation;
mod refresh_tokens;
mod repos;
mod uow;
mod user_invites;
