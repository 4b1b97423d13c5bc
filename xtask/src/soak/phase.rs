//! The run's current phase (`steady`, `kill`, `redis-down`, …): every request is tagged with the
//! phase in force when it was sent, so errors and latency can be reported per phase.

use std::sync::{Arc, RwLock};
use std::time::Instant;

/// A shared, cheaply cloned phase name plus the run's start time.
#[derive(Clone)]
pub struct PhaseClock {
    current: Arc<RwLock<&'static str>>,
    started: Instant,
}

impl PhaseClock {
    /// Starts in `initial`.
    pub fn new(initial: &'static str) -> Self {
        Self {
            current: Arc::new(RwLock::new(initial)),
            started: Instant::now(),
        }
    }

    /// The phase in force now.
    pub fn current(&self) -> &'static str {
        *self.current.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Enters `phase` (and says so).
    pub fn set(&self, phase: &'static str) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = phase;
        println!("  [{:>5.1} s] phase {phase}", self.elapsed_secs());
    }

    /// Seconds since the clock was made.
    pub fn elapsed_secs(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }
}
