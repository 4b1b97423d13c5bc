//! Pure GCRA (generic cell rate algorithm) over several limits at once.
//!
//! The state of one limit is its TAT (theoretical arrival time, ms). For a limit of `max`
//! requests per `window`: emission interval `T = ceil(window / max)` and burst tolerance
//! `τ = (max − 1)·T` (that is `window − T` when `max` divides the window). A request at `now` is
//! conforming when `max(TAT, now) − now ≤ τ`, and then `TAT := max(TAT, now) + T`. So a fresh key
//! may make `max` requests at once, then one every `T`: at most `max` at any instant (no double
//! burst at window edges) and `max` per `window` sustained. Over a span of length `L` at most
//! `max + floor(L / T)` requests pass (the burst plus the refill), so a span of exactly one
//! window can see up to `2·max − 1` (the burst, then the refill spread out) — smooth, never two
//! bursts back to back. Rounding `T` up keeps these bounds exact; `max = 0` gives `τ < 0`:
//! always refused.
//!
//! The Lua script of [`crate::redis`] is a transliteration of [`decide`]; keep them in step.

use ciel_domain::ports::{Decision, Limit};
use std::time::Duration;

/// One limit's GCRA parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// The window's length in seconds (names the limit's state).
    pub window_secs: u64,
    /// Requests allowed per window.
    pub max: u32,
    /// Emission interval `T`, ms.
    pub emission_ms: i64,
    /// Burst tolerance `τ`, ms (negative when `max = 0`).
    pub tolerance_ms: i64,
}

impl Params {
    /// The parameters of `limit`.
    pub fn of(limit: Limit) -> Self {
        let window_ms =
            i64::try_from(limit.window.seconds().saturating_mul(1000)).unwrap_or(i64::MAX);
        let max = i64::from(limit.max);
        let emission_ms = if max == 0 {
            window_ms
        } else {
            (window_ms + max - 1) / max
        }
        .max(1);
        Self {
            window_secs: limit.window.seconds(),
            max: limit.max,
            emission_ms,
            tolerance_ms: emission_ms * (max - 1),
        }
    }
}

/// The parameters of `limits`, one per window: when a window appears twice (its state would be
/// shared) the smaller `max` is kept. Order is kept otherwise.
pub fn params(limits: &[Limit]) -> Vec<Params> {
    let mut out: Vec<Params> = Vec::with_capacity(limits.len());
    for limit in limits {
        let p = Params::of(*limit);
        match out.iter_mut().find(|q| q.window_secs == p.window_secs) {
            Some(q) if p.max < q.max => *q = p,
            Some(_) => {}
            None => out.push(p),
        }
    }
    out
}

/// A decision over several limits, reported for one of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Whether every limit allows the request.
    pub allowed: bool,
    /// The reported limit: when allowed, the one with the fewest remaining (the first on ties);
    /// when refused, the refusing one with the longest wait.
    pub index: usize,
    /// Requests left in the reported limit (after those counted; 0 when refused).
    pub remaining: u32,
    /// When refused: ms until a request would be allowed by every limit (0 when allowed).
    pub retry_after_ms: i64,
    /// Requests counted by this decision (0 for a peek or a refusal; up to `want` for [`take`]).
    pub granted: u32,
}

impl Outcome {
    /// The port's `Decision` for this outcome over `params`.
    pub fn decision(self, params: &[Params], fallback: bool) -> Decision {
        Decision {
            allowed: self.allowed,
            limit: params.get(self.index).map_or(0, |p| p.max),
            remaining: if self.allowed { self.remaining } else { 0 },
            retry_after: Duration::from_millis(u64::try_from(self.retry_after_ms).unwrap_or(0)),
            fallback,
        }
    }
}

/// Decides a request at `now_ms` against every limit in `params`, whose stored TATs are `tats`
/// (0 for no state). Allowed only if every limit allows; only then, and only when `consume`,
/// each `tats[i]` becomes `max(tats[i], now) + T`. With `consume = false` this is a peek:
/// `remaining` counts the requests that could be made now. No limits: allowed, nothing counted.
pub fn decide(now_ms: i64, params: &[Params], tats: &mut [i64], consume: bool) -> Outcome {
    take(now_ms, params, tats, u32::from(consume))
}

/// Counts up to `want` requests at `now_ms` at once: exactly what `want` consecutive
/// [`decide`] calls at the same instant would allow, stopping at the first refusal.
///
/// Refused (nothing counted) when every limit cannot allow one more; otherwise `granted =
/// min(want, requests every limit still allows)` and each `tats[i]` becomes `max(tats[i], now) +
/// granted·T`. `want = 0` is a peek. A batch is thus the same as its requests made back to back,
/// so every GCRA bound holds for batches too (used for leases, see [`crate::lease`]).
pub fn take(now_ms: i64, params: &[Params], tats: &mut [i64], want: u32) -> Outcome {
    debug_assert_eq!(params.len(), tats.len());
    let mut worst: Option<(usize, i64)> = None;
    let mut available = i64::MAX;
    for (i, (p, tat)) in params.iter().zip(tats.iter()).enumerate() {
        let ahead = (*tat).max(now_ms) - now_ms;
        if ahead > p.tolerance_ms {
            let wait = ahead - p.tolerance_ms;
            if worst.is_none_or(|(_, w)| wait > w) {
                worst = Some((i, wait));
            }
        } else {
            available = available.min((p.tolerance_ms + p.emission_ms - ahead) / p.emission_ms);
        }
    }
    if let Some((index, wait)) = worst {
        return Outcome {
            allowed: false,
            index,
            remaining: 0,
            retry_after_ms: wait,
            granted: 0,
        };
    }
    let granted = if params.is_empty() {
        0
    } else {
        i64::from(want).min(available)
    };
    let mut tightest: Option<(usize, i64)> = None;
    for (i, (p, tat)) in params.iter().zip(tats.iter_mut()).enumerate() {
        let mut next = (*tat).max(now_ms);
        if granted > 0 {
            next += granted * p.emission_ms;
            *tat = next;
        }
        let remaining = (p.tolerance_ms + p.emission_ms - (next - now_ms)) / p.emission_ms;
        let remaining = remaining.clamp(0, i64::from(p.max));
        if tightest.is_none_or(|(_, r)| remaining < r) {
            tightest = Some((i, remaining));
        }
    }
    let (index, remaining) = tightest.unwrap_or((0, 0));
    Outcome {
        allowed: true,
        index,
        remaining: u32::try_from(remaining).unwrap_or(u32::MAX),
        retry_after_ms: 0,
        granted: u32::try_from(granted).unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ciel_domain::ratelimit::Window;

    const MIN: i64 = 60_000;
    const HOUR: i64 = 3_600_000;

    fn limits(l: &[(Window, u32)]) -> Vec<Params> {
        params(
            &l.iter()
                .map(|&(window, max)| Limit { window, max })
                .collect::<Vec<_>>(),
        )
    }

    /// A key's state and its limits.
    struct Sim {
        params: Vec<Params>,
        tats: Vec<i64>,
    }

    impl Sim {
        fn new(l: &[(Window, u32)]) -> Self {
            let params = limits(l);
            let tats = vec![0; params.len()];
            Self { params, tats }
        }
        fn check(&mut self, now: i64) -> Outcome {
            decide(now, &self.params, &mut self.tats, true)
        }
        fn peek(&mut self, now: i64) -> Outcome {
            decide(now, &self.params, &mut self.tats, false)
        }
        /// How many of `n` requests at `now` are allowed.
        fn burst(&mut self, now: i64, n: u32) -> u32 {
            (0..n).filter(|_| self.check(now).allowed).count() as u32
        }
    }

    #[test]
    fn parameters() {
        let p = Params::of(Limit {
            window: Window::Minute,
            max: 60,
        });
        assert_eq!((p.emission_ms, p.tolerance_ms), (1000, 59_000));
        let p = Params::of(Limit {
            window: Window::Day,
            max: 7,
        });
        assert_eq!(p.emission_ms, 12_342_858, "rounded up");
        assert!(p.emission_ms * 7 >= 86_400_000);
    }

    #[test]
    fn exactly_max_then_refused() {
        for max in [1, 3, 7, 10, 60, 1000] {
            let mut sim = Sim::new(&[(Window::Hour, max)]);
            assert_eq!(sim.burst(1_000_000, max + 5), max, "max {max}");
        }
    }

    #[test]
    fn remaining_counts_down() {
        let mut sim = Sim::new(&[(Window::Minute, 5)]);
        assert_eq!(sim.peek(0).remaining, 5);
        for expected in [4, 3, 2, 1, 0] {
            let o = sim.check(0);
            assert!(o.allowed);
            assert_eq!(o.remaining, expected);
        }
        let o = sim.check(0);
        assert!(!o.allowed);
        assert_eq!(o.remaining, 0);
    }

    #[test]
    fn refills_one_per_emission_interval() {
        // 60/min: T = 1 s.
        let mut sim = Sim::new(&[(Window::Minute, 60)]);
        assert_eq!(sim.burst(0, 60), 60);
        assert!(!sim.check(999).allowed);
        assert!(sim.check(1000).allowed);
        assert!(!sim.check(1000).allowed);
        assert_eq!(sim.burst(3000, 5), 2);
        // After a whole window idle, the full burst is back.
        assert_eq!(sim.burst(3000 + MIN, 100), 60);
    }

    #[test]
    fn no_double_burst_across_a_window_edge() {
        let mut sim = Sim::new(&[(Window::Hour, 10)]);
        assert_eq!(sim.burst(HOUR - 1, 10), 10);
        // A fixed window would allow 10 more at HOUR + 1; GCRA allows none yet…
        assert_eq!(sim.burst(HOUR + 1, 10), 0);
        // …then one per T = 6 min.
        assert_eq!(sim.burst(HOUR - 1 + 6 * MIN, 10), 1);
        // Over any span L, at most max + floor(L / T) pass: the burst plus the refill.
        let mut sim = Sim::new(&[(Window::Hour, 10)]);
        let t_ms = 6 * MIN;
        let mut allowed_at = Vec::new();
        for t in (0..3 * HOUR).step_by(7_000) {
            if sim.check(t).allowed {
                allowed_at.push(t);
            }
        }
        for (i, &t) in allowed_at.iter().enumerate() {
            for &span in &[1_000, t_ms - 1, HOUR - 1, 2 * HOUR] {
                let in_span = allowed_at[i..]
                    .iter()
                    .take_while(|&&u| u <= t + span)
                    .count();
                assert!(
                    in_span as i64 <= 10 + span / t_ms,
                    "{in_span} in {span} ms from {t}"
                );
            }
        }
    }

    #[test]
    fn retry_after_is_the_real_wait() {
        let mut sim = Sim::new(&[(Window::Hour, 10)]);
        assert_eq!(sim.burst(0, 10), 10);
        let o = sim.check(60_000);
        assert!(!o.allowed);
        assert_eq!(o.retry_after_ms, 6 * MIN - 60_000);
        assert!(!sim.check(6 * MIN - 1).allowed);
        assert!(sim.check(6 * MIN).allowed);
        // A refusal does not push the wait further out.
        let o1 = sim.check(7 * MIN);
        let o2 = sim.check(7 * MIN);
        assert_eq!((o1.allowed, o2.allowed), (false, false));
        assert_eq!(o1.retry_after_ms, 5 * MIN);
        assert_eq!(o2.retry_after_ms, 5 * MIN);
    }

    #[test]
    fn the_day_limit_binds_after_enough_hours() {
        // post for New: 1/hour, 5/day. Day: T = 4.8 h, τ = 19.2 h.
        let mut sim = Sim::new(&[(Window::Hour, 1), (Window::Day, 5)]);
        let mut allowed = Vec::new();
        for hour in 0..24 {
            let o = sim.check(hour * HOUR);
            if o.allowed {
                allowed.push(hour);
            } else if hour == 6 {
                // Six hourly posts (day burst 5, plus one refilled by 4.8 h) put the day TAT at
                // 28.8 h: wait = TAT − τ − now = 3.6 h, though the hour limit would allow.
                assert_eq!(o.index, 1, "the day limit refuses");
                assert_eq!(o.retry_after_ms, 36 * HOUR / 10);
            }
        }
        assert_eq!(allowed, [0, 1, 2, 3, 4, 5, 10, 15, 20]);
        // Sustained: 5 per day from then on.
        let next_day = (24..48).filter(|h| sim.check(h * HOUR).allowed).count();
        assert_eq!(next_day, 5);
        // Within an hour the hour limit refuses, and reports its own wait.
        let mut sim = Sim::new(&[(Window::Hour, 1), (Window::Day, 5)]);
        assert!(sim.check(0).allowed);
        let o = sim.check(MIN);
        assert_eq!(
            (o.allowed, o.index, o.retry_after_ms),
            (false, 0, HOUR - MIN)
        );
    }

    #[test]
    fn refused_requests_count_against_no_limit() {
        let mut sim = Sim::new(&[(Window::Minute, 2), (Window::Hour, 100)]);
        assert_eq!(sim.burst(0, 2), 2);
        for _ in 0..50 {
            assert!(!sim.check(0).allowed);
        }
        assert_eq!(sim.peek(0).remaining, 0);
        assert_eq!(
            sim.tats[1],
            2 * sim.params[1].emission_ms,
            "the hour limit counted the 2 allowed, not the 50 refused"
        );
    }

    #[test]
    fn remaining_is_the_tightest() {
        let mut sim = Sim::new(&[(Window::Hour, 20), (Window::Day, 3)]);
        let o = sim.check(0);
        assert_eq!((o.index, o.remaining), (1, 2));
        let d = o.decision(&sim.params, false);
        assert_eq!((d.limit, d.remaining, d.allowed), (3, 2, true));
    }

    #[test]
    fn peek_does_not_consume() {
        let mut sim = Sim::new(&[(Window::Minute, 3)]);
        for _ in 0..10 {
            assert_eq!(sim.peek(0).remaining, 3);
        }
        assert_eq!(sim.burst(0, 10), 3);
        let o = sim.peek(0);
        assert!(!o.allowed);
        assert_eq!(o.retry_after_ms, 20_000);
    }

    #[test]
    fn zero_max_always_refuses_and_duplicate_windows_keep_the_smaller() {
        let mut sim = Sim::new(&[(Window::Minute, 0)]);
        let o = sim.check(0);
        assert_eq!((o.allowed, o.retry_after_ms), (false, MIN));
        let p = limits(&[(Window::Hour, 9), (Window::Day, 50), (Window::Hour, 4)]);
        assert_eq!(p.iter().map(|p| p.max).collect::<Vec<_>>(), [4, 50]);
    }

    #[test]
    fn no_limits_allow() {
        let o = decide(0, &[], &mut [], true);
        assert!(o.allowed);
        assert_eq!(o.decision(&[], false).limit, 0);
    }

    #[test]
    fn a_batch_is_its_requests_back_to_back() {
        let tables: [&[(Window, u32)]; 5] = [
            &[(Window::Minute, 60)],
            &[(Window::Hour, 1), (Window::Day, 5)],
            &[(Window::Hour, 20), (Window::Day, 100)],
            &[(Window::Minute, 0)],
            &[(Window::Hour, 1000)],
        ];
        for table in tables {
            for want in [0, 1, 2, 3, 7, 64, 2000] {
                let mut batched = Sim::new(table);
                let mut single = Sim::new(table);
                for now in [0, 10, 999, 5_000, 60_000, 3 * MIN + 7, HOUR, 2 * HOUR] {
                    let b = take(now, &batched.params, &mut batched.tats, want);
                    let mut granted = 0;
                    let mut last = single.peek(now);
                    for _ in 0..want {
                        let o = single.check(now);
                        if !o.allowed {
                            break;
                        }
                        granted += 1;
                        last = o;
                    }
                    assert_eq!(b.granted, granted, "{table:?} want {want} at {now}");
                    assert_eq!(batched.tats, single.tats, "{table:?} want {want} at {now}");
                    assert_eq!(b.allowed, last.allowed || granted > 0);
                    if b.allowed {
                        assert_eq!(b.remaining, single.peek(now).remaining);
                    } else {
                        assert_eq!(b.retry_after_ms, single.check(now).retry_after_ms);
                    }
                }
            }
        }
    }
}
