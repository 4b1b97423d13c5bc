//! Route table and handlers, one module per area.

pub mod admin;
pub mod fallback;
pub mod health;
pub mod metrics;
