//! The clock port: use cases ask it for "now", so tests can move time instead of sleeping.

use crate::time::Timestamp;

/// Tells the time.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> Timestamp;
}
