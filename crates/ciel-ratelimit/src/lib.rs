//! Rate-limiter adapters for the domain's `RateLimiter` port (the policy itself lives in
//! `ciel_domain::ratelimit`).
