//! The in-process limiter: GCRA state in a map, dropped once idle.

use crate::gcra;
use async_trait::async_trait;
use ciel_domain::ports::{Decision, Limit, RateLimiter};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// How often the map is swept of keys whose state has run out (their TAT is past).
const SWEEP_EVERY_MS: i64 = 10_000;

/// A limiter whose state lives in this process (tests, `--embedded`, serverless, and the
/// fallback while Redis is unreachable). Same policy as the Redis limiter.
pub struct MemoryLimiter {
    /// Monotonic clock origin: TATs are ms since `origin`.
    origin: Instant,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// `{key}:{window_seconds}` → TAT (ms since origin).
    tats: HashMap<String, i64>,
    next_sweep_ms: i64,
}

impl Default for MemoryLimiter {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryLimiter {
    /// An empty limiter.
    pub fn new() -> Self {
        Self {
            origin: Instant::now(),
            state: Mutex::new(State::default()),
        }
    }

    /// Keys with live state (for tests and diagnostics).
    pub fn len(&self) -> usize {
        self.lock().tats.len()
    }

    /// Whether no key has live state.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn now_ms(&self) -> i64 {
        i64::try_from(self.origin.elapsed().as_millis()).unwrap_or(i64::MAX)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state stays consistent even if a holder panicked (each update is one map write).
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn decide(&self, key: &str, limits: &[Limit], consume: bool) -> Decision {
        let params = gcra::params(limits);
        let keys: Vec<String> = params
            .iter()
            .map(|p| format!("{key}:{}", p.window_secs))
            .collect();
        let now = self.now_ms();
        let mut state = self.lock();
        if now >= state.next_sweep_ms {
            // A TAT in the past is the same as no state.
            state.tats.retain(|_, tat| *tat > now);
            state.next_sweep_ms = now + SWEEP_EVERY_MS;
        }
        let mut tats: Vec<i64> = keys
            .iter()
            .map(|k| state.tats.get(k).copied().unwrap_or(0))
            .collect();
        let outcome = gcra::decide(now, &params, &mut tats, consume);
        if outcome.allowed && consume {
            for (k, tat) in keys.into_iter().zip(tats) {
                state.tats.insert(k, tat);
            }
        }
        drop(state);
        outcome.decision(&params, false)
    }
}

#[async_trait]
impl RateLimiter for MemoryLimiter {
    async fn check(&self, key: &str, limits: &[Limit]) -> Decision {
        self.decide(key, limits, true)
    }

    async fn peek(&self, key: &str, limits: &[Limit]) -> Decision {
        self.decide(key, limits, false)
    }
}
