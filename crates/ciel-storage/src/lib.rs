//! Postgres adapters for Ciel's repository ports, built on diesel-async and bb8.
//!
//! Owns the connection pool (sized and timed out from configuration), the embedded migrations
//! (run under a Postgres advisory lock so that many instances may start at once), and the
//! database probe used by `/health` and `/ready`. SQL lives here and nowhere else.

mod active_user;
pub mod connect;
pub mod demo;
pub mod enums;
pub mod error;
pub mod migrations;
pub mod pool;
mod pool_handle;
mod pool_threads;
pub mod probe;
pub mod repos;
mod trace_context;
pub mod uow;

pub use connect::{establish, with_root_cert};
pub use error::StorageError;
pub use migrations::{MigrationReport, expected_schema_version, revert_all, run_pending};
pub use pool::{PgPool, PoolSettings, PoolStats, connect_pool};
pub use probe::PgProbe;
pub use uow::{PgTx, PgUnitOfWork};
