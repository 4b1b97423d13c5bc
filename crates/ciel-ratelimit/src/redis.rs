//! The Redis limiter: one atomic Lua script per decision, on Redis's clock.

use crate::gcra::{self, Outcome, Params};
use async_trait::async_trait;
use ciel_domain::ports::{Decision, Limit, RateLimiter};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::time::Duration;

/// How long one decision may take before it counts as a Redis failure (an outage must fail
/// fast: the caller then decides in memory).
const RESPONSE_TIMEOUT: Duration = Duration::from_millis(250);
/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(250);
/// The whole decision, including a script reload after a Redis restart.
const DECISION_TIMEOUT: Duration = Duration::from_millis(400);

/// The GCRA decision of [`gcra::take`], atomically over every limit of a key.
///
/// * `KEYS[i]`: the state (TAT, ms on Redis's clock) of limit `i`, `{prefix}{{key}}:{window_s}`
///   (the `{key}` hash tag keeps a key's limits in one cluster slot).
/// * `ARGV[2i−1]`, `ARGV[2i]`: `T` and `τ` of limit `i`, ms; `ARGV[2n+1]`: how many requests
///   to count at most (`want`: 1 for a check, 0 for a peek, more for a lease).
/// * Returns `{allowed (0|1), index (1-based: the tightest limit when allowed, the refusing one
///   with the longest wait when refused), remaining, retry_after_ms, granted}`.
///
/// `now` is Redis `TIME`, so instances with skewed clocks agree. When allowed, `granted =
/// min(want, what every limit still allows)` and each key becomes `max(TAT, now) + granted·T`
/// with `PX = new TAT − now + 1 s` (state past its TAT equals no state, so nothing idle outlives
/// its window). A refused request changes nothing.
pub const SCRIPT: &str = r"
if redis.replicate_commands then pcall(redis.replicate_commands) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = #KEYS
local want = tonumber(ARGV[2 * n + 1])
local tats = {}
local worst_i, worst_wait = 0, 0
local available = want
for i = 1, n do
  local period = tonumber(ARGV[2 * i - 1])
  local tau = tonumber(ARGV[2 * i])
  local tat = now
  local stored = redis.call('GET', KEYS[i])
  if stored then
    local v = tonumber(stored)
    if v and v > now then tat = v end
  end
  tats[i] = tat
  if tat - now > tau then
    local wait = tat - tau - now
    if worst_i == 0 or wait > worst_wait then
      worst_i, worst_wait = i, wait
    end
  else
    local can = math.floor((tau + period - (tat - now)) / period)
    if can < available then available = can end
  end
end
if worst_i > 0 then
  return {0, worst_i, 0, worst_wait, 0}
end
local granted = available
local best_i, best_rem = 0, 0
for i = 1, n do
  local period = tonumber(ARGV[2 * i - 1])
  local tau = tonumber(ARGV[2 * i])
  local next_tat = tats[i]
  if granted > 0 then
    next_tat = next_tat + granted * period
    redis.call('SET', KEYS[i], string.format('%d', next_tat), 'PX', string.format('%d', next_tat - now + 1000))
  end
  local rem = math.floor((tau + period - (next_tat - now)) / period)
  if rem < 0 then rem = 0 end
  if best_i == 0 or rem < best_rem then
    best_i, best_rem = i, rem
  end
end
return {1, best_i, best_rem, 0, granted}
";

/// The Redis URL is unusable.
#[derive(Debug, thiserror::Error)]
#[error("invalid REDIS_URL: {0}")]
pub struct RedisLimiterError(String);

/// A limiter whose state is shared in Redis. Connects lazily and reconnects by itself; its
/// `try_*` methods report Redis failures (fast), and its `RateLimiter` impl is meant to sit
/// behind [`crate::FallbackLimiter`].
#[derive(Clone)]
pub struct RedisLimiter {
    conn: ConnectionManager,
    script: redis::Script,
    key_prefix: String,
}

impl RedisLimiter {
    /// A limiter on `url`; every key is stored under `key_prefix` (empty in production, unique
    /// per test so that tests can share one Redis).
    pub fn connect_lazy(
        url: &str,
        key_prefix: impl Into<String>,
    ) -> Result<Self, RedisLimiterError> {
        let client = redis::Client::open(url).map_err(|e| RedisLimiterError(e.to_string()))?;
        let config = ConnectionManagerConfig::new()
            .set_response_timeout(Some(RESPONSE_TIMEOUT))
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(200));
        let conn = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| RedisLimiterError(e.to_string()))?;
        Ok(Self {
            conn,
            script: redis::Script::new(SCRIPT),
            key_prefix: key_prefix.into(),
        })
    }

    /// Checks and counts, or fails when Redis does not answer in time.
    pub async fn try_check(&self, key: &str, limits: &[Limit]) -> redis::RedisResult<Decision> {
        let params = gcra::params(limits);
        Ok(self
            .try_take(key, &params, 1)
            .await?
            .decision(&params, false))
    }

    /// Peeks, or fails when Redis does not answer in time.
    pub async fn try_peek(&self, key: &str, limits: &[Limit]) -> redis::RedisResult<Decision> {
        let params = gcra::params(limits);
        Ok(self
            .try_take(key, &params, 0)
            .await?
            .decision(&params, false))
    }

    /// Counts up to `want` requests of `key` at once ([`gcra::take`] on Redis's clock), or fails
    /// when Redis does not answer in time. The outcome says how many were `granted`.
    pub async fn try_take(
        &self,
        key: &str,
        params: &[Params],
        want: u32,
    ) -> redis::RedisResult<Outcome> {
        if params.is_empty() {
            return Ok(gcra::take(0, &[], &mut [], want));
        }
        let mut invocation = self.script.prepare_invoke();
        for p in params {
            invocation.key(format!("{}{{{key}}}:{}", self.key_prefix, p.window_secs));
        }
        for p in params {
            invocation.arg(p.emission_ms).arg(p.tolerance_ms);
        }
        invocation.arg(want);
        let mut conn = self.conn.clone();
        let reply: (i64, i64, i64, i64, i64) =
            tokio::time::timeout(DECISION_TIMEOUT, invocation.invoke_async(&mut conn))
                .await
                .map_err(|_| {
                    redis::RedisError::from(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "rate-limit script timed out",
                    ))
                })??;
        outcome(reply, params, want)
    }
}

/// The script's reply as an [`Outcome`], checked.
fn outcome(
    (allowed, index, remaining, retry_after_ms, granted): (i64, i64, i64, i64, i64),
    params: &[Params],
    want: u32,
) -> redis::RedisResult<Outcome> {
    let index = usize::try_from(index - 1)
        .ok()
        .filter(|i| *i < params.len())
        .ok_or_else(|| {
            redis::RedisError::from(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("rate-limit script returned limit index {index}"),
            ))
        })?;
    Ok(Outcome {
        allowed: allowed == 1,
        index,
        remaining: u32::try_from(remaining.clamp(0, i64::from(params[index].max))).unwrap_or(0),
        retry_after_ms: retry_after_ms.max(0),
        granted: u32::try_from(granted.clamp(0, i64::from(want))).unwrap_or(0),
    })
}

/// Without a fallback, a Redis failure allows the request (fail open) and logs; wire it behind
/// [`crate::FallbackLimiter`] to keep enforcing during outages.
#[async_trait]
impl RateLimiter for RedisLimiter {
    async fn check(&self, key: &str, limits: &[Limit]) -> Decision {
        match self.try_check(key, limits).await {
            Ok(d) => d,
            Err(e) => fail_open(limits, &e),
        }
    }

    async fn peek(&self, key: &str, limits: &[Limit]) -> Decision {
        match self.try_peek(key, limits).await {
            Ok(d) => d,
            Err(e) => fail_open(limits, &e),
        }
    }
}

fn fail_open(limits: &[Limit], e: &redis::RedisError) -> Decision {
    tracing::warn!(error = %e, "rate limiter: Redis failed and no fallback is wired; allowing");
    let params = gcra::params(limits);
    let tightest = params.iter().min_by_key(|p| p.max);
    Decision {
        allowed: true,
        limit: tightest.map_or(0, |p| p.max),
        remaining: tightest.map_or(0, |p| p.max),
        retry_after: Duration::ZERO,
        fallback: true,
    }
}
