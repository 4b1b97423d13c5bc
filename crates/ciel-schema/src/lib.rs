//! The diesel schema of the Ciel database, generated from `migrations/` by `cargo xtask codegen`
//! and checked for freshness by a test. A leaf crate (diesel only) so it compiles in parallel
//! with everything else.

#![allow(missing_docs)]

mod schema;

pub use schema::*;
