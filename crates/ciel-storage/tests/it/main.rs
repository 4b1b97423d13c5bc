//! Storage integration tests against real Postgres: migrations, repositories, the demo seed.

mod migrations;
mod repos;
