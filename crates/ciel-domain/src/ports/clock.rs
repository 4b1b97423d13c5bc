//! The clock port: use cases ask it for "now", so tests can move time instead of sleeping.
//!
//! # Example
//!
//! A clock tests can move:
//!
//! ```
//! use ciel_domain::ports::Clock;
//! use ciel_domain::time::Timestamp;
//! use chrono::{Duration, Utc};
//! use std::sync::Mutex;
//!
//! struct Manual(Mutex<Timestamp>);
//! impl Clock for Manual {
//!     fn now(&self) -> Timestamp {
//!         *self.0.lock().unwrap()
//!     }
//! }
//! let clock = Manual(Mutex::new(Utc::now()));
//! let before = clock.now();
//! *clock.0.lock().unwrap() += Duration::hours(25);
//! assert_eq!(clock.now() - before, Duration::hours(25));
//! ```

use crate::time::Timestamp;

/// Tells the time.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> Timestamp;
}
