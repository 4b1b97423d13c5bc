//! The bounded exponential back-off applied to jobs that fail transiently.

use std::time::Duration;

/// How often and how patiently a transiently failing job is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total (the first delivery included) before the job is dead-lettered.
    pub max_attempts: u32,
    /// Back-off after the first attempt; doubled after each further one.
    pub base_delay: Duration,
    /// Upper bound of one back-off.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 5 attempts, waiting 1 s, 2 s, 4 s, 8 s in between (capped at 5 min).
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(300),
        }
    }
}

impl RetryPolicy {
    /// Whether attempt `attempt` (1-based) was the last one allowed.
    pub fn is_last(&self, attempt: u32) -> bool {
        attempt >= self.max_attempts.max(1)
    }

    /// The back-off after attempt `attempt` (1-based) failed: `base · 2^(attempt-1)`, capped.
    pub fn delay_after(&self, attempt: u32) -> Duration {
        2u32.checked_pow(attempt.saturating_sub(1))
            .map_or(self.max_delay, |factor| {
                self.base_delay.saturating_mul(factor)
            })
            .min(self.max_delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_from_the_base_and_caps() {
        let p = RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(10),
        };
        let delays: Vec<u64> = (1..=6).map(|a| p.delay_after(a).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 10, 10]);
        assert_eq!(p.delay_after(u32::MAX), Duration::from_secs(10));
        assert_eq!(p.delay_after(0), Duration::from_secs(1));
    }

    #[test]
    fn the_last_attempt_is_max_attempts() {
        let p = RetryPolicy::default();
        assert!(!p.is_last(4));
        assert!(p.is_last(5));
        assert!(p.is_last(9));
        let once = RetryPolicy {
            max_attempts: 0,
            ..p
        };
        assert!(once.is_last(1));
    }
}
