//! Rate limiting decisions (contract §4 with §0): per user by trust level, per client IP.
//! The HTTP edge asks before the handler runs, so requests that fail validation still count.
//!
//! # Example
//!
//! Ten logins per IP and hour, with IPv6 clients counted per /64: two addresses of one /64
//! share a bucket, so the eleventh attempt across them is refused (any [`RateLimiter`]
//! adapter will do; here a toy counter).
//!
//! ```
//! # use async_trait::async_trait;
//! # use ciel_domain::ports::{Decision, Limit, RateLimiter, RepoError, TrustRepo};
//! # use ciel_domain::trust::TrustRecord;
//! # use std::collections::HashMap;
//! # use std::sync::{Arc, Mutex};
//! # use std::time::Duration;
//! # #[derive(Default)]
//! # struct Counting(Mutex<HashMap<String, u32>>);
//! # #[async_trait]
//! # impl RateLimiter for Counting {
//! #     async fn check(&self, key: &str, limits: &[Limit]) -> Decision {
//! #         let max = limits.iter().map(|l| l.max).min().unwrap_or(u32::MAX);
//! #         let mut seen = self.0.lock().unwrap();
//! #         let used = seen.entry(key.to_owned()).or_default();
//! #         *used += 1;
//! #         let allowed = *used <= max;
//! #         Decision {
//! #             allowed,
//! #             limit: max,
//! #             remaining: max.saturating_sub(*used),
//! #             retry_after: if allowed { Duration::ZERO } else { Duration::from_secs(60) },
//! #             fallback: false,
//! #         }
//! #     }
//! #     async fn peek(&self, _: &str, _: &[Limit]) -> Decision {
//! #         unimplemented!("not used here")
//! #     }
//! # }
//! # /// Nobody has a trust record (everyone is level 0).
//! # struct NoRecords;
//! # #[async_trait]
//! # impl TrustRepo for NoRecords {
//! #     async fn get(&self, _: ciel_domain::UserId) -> Result<Option<TrustRecord>, RepoError> {
//! #         Ok(None)
//! #     }
//! # }
//! # let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! use ciel_app::RateLimitService;
//! use ciel_domain::ratelimit::IpAction;
//! use std::net::IpAddr;
//!
//! let limits = RateLimitService::new(Arc::new(Counting::default()), Arc::new(NoRecords), 5);
//! let home: IpAddr = "2001:db8:7:1::10".parse().unwrap();
//! let phone: IpAddr = "2001:db8:7:1:ffff::2".parse().unwrap();
//! assert_eq!(limits.ip_key(home), limits.ip_key(phone));
//! for attempt in 1..=10 {
//!     let from = if attempt % 2 == 0 { home } else { phone };
//!     assert!(rt.block_on(limits.check_ip(from, IpAction::Login)).allowed);
//! }
//! let eleventh = rt.block_on(limits.check_ip(home, IpAction::Login));
//! assert!(!eleventh.allowed);
//! assert_eq!(eleventh.limit, 10);
//! ```

use crate::error::AppError;
use crate::user_gate::UserGate;
use ciel_domain::UserId;
use ciel_domain::ports::{Decision, Limit, RateLimiter, TrustRepo};
use ciel_domain::ratelimit::ip::DEFAULT_IPV6_PREFIX;
use ciel_domain::ratelimit::{ActionClass, IpAction, LimitOverrides, ip_bucket};
use ciel_domain::trust::TrustLevel;
use std::net::IpAddr;
use std::sync::Arc;

/// What `GET /account/rate-limits` shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateLimitsView {
    /// The caller's level.
    pub level: TrustLevel,
    /// `(class, hourly max, daily max if any, remaining in the hourly window)` per shown class.
    pub classes: Vec<(ActionClass, u32, Option<u32>, u32)>,
}

/// Classes `GET /account/rate-limits` reports.
const SHOWN: [ActionClass; 6] = [
    ActionClass::Post,
    ActionClass::Follow,
    ActionClass::Like,
    ActionClass::Comment,
    ActionClass::MediaRead,
    ActionClass::MediaUpload,
];

/// Applies the policy through a limiter.
#[derive(Clone)]
pub struct RateLimitService {
    limiter: Arc<dyn RateLimiter>,
    trust: Arc<dyn TrustRepo>,
    signups_per_day: u32,
    ipv6_prefix: u8,
    overrides: Arc<LimitOverrides>,
    gate: UserGate,
}

fn limits(table: &[(ciel_domain::ratelimit::Window, u32)]) -> Vec<Limit> {
    table
        .iter()
        .map(|(window, max)| Limit {
            window: *window,
            max: *max,
        })
        .collect()
}

impl RateLimitService {
    /// A service over `limiter`, reading levels from `trust`; sign-ups allow
    /// `signups_per_day` per IP (`IP_SIGNUP_RATE_LIMIT`).
    pub fn new(
        limiter: Arc<dyn RateLimiter>,
        trust: Arc<dyn TrustRepo>,
        signups_per_day: u32,
    ) -> Self {
        Self {
            limiter,
            trust,
            signups_per_day,
            ipv6_prefix: DEFAULT_IPV6_PREFIX,
            overrides: Arc::new(LimitOverrides::default()),
            gate: UserGate::disabled(),
        }
    }

    /// Reads trust levels through `gate` while fresh (see [`UserGate`]).
    pub fn with_gate(mut self, gate: UserGate) -> Self {
        self.gate = gate;
        self
    }

    /// Keys IPv6 clients by their first `prefix` bits (`RATE_LIMIT_IPV6_PREFIX`, default 64).
    pub fn with_ipv6_prefix(mut self, prefix: u8) -> Self {
        self.ipv6_prefix = prefix;
        self
    }

    /// Applies operator overrides of the §4 tables (`RATE_LIMIT_OVERRIDES`).
    pub fn with_overrides(mut self, overrides: LimitOverrides) -> Self {
        self.overrides = Arc::new(overrides);
        self
    }

    /// The bucket an address is counted in (IPv6 by prefix).
    pub fn ip_key(&self, ip: IpAddr) -> IpAddr {
        ip_bucket(ip, self.ipv6_prefix)
    }

    async fn level(&self, user: UserId) -> Result<TrustLevel, AppError> {
        if let Some(level) = self.gate.level(user) {
            return Ok(level);
        }
        let epoch = self.gate.epoch();
        let level = self
            .trust
            .get(user)
            .await
            .map_err(AppError::internal)?
            .map(|r| r.level)
            .unwrap_or(TrustLevel::New);
        self.gate.store_level(user, epoch, level);
        Ok(level)
    }

    /// Counts one `class` request of `user` against their level's limits.
    pub async fn check_user(&self, user: UserId, class: ActionClass) -> Result<Decision, AppError> {
        let level = self.level(user).await?;
        let key = format!("ratelimit:{user}:{}", class.name());
        Ok(self
            .limiter
            .check(&key, &limits(&self.overrides.user_limits(class, level)))
            .await)
    }

    /// Counts one `action` request from `ip` (IPv6 counted per prefix).
    pub async fn check_ip(&self, ip: IpAddr, action: IpAction) -> Decision {
        let (key, limit) = self.ip_limit(ip, action);
        self.limiter.check(&key, &limit).await
    }

    /// Whether one more `action` request from `ip` would be allowed, without counting it.
    pub async fn peek_ip(&self, ip: IpAddr, action: IpAction) -> Decision {
        let (key, limit) = self.ip_limit(ip, action);
        self.limiter.peek(&key, &limit).await
    }

    fn ip_limit(&self, ip: IpAddr, action: IpAction) -> (String, Vec<Limit>) {
        let key = format!("ratelimit:ip:{}:{}", self.ip_key(ip), action.name());
        let limit = self.overrides.ip_limit(action, self.signups_per_day);
        (key, limits(&[limit]))
    }

    /// The caller's limits and what is left of each hourly window, without counting.
    pub async fn view(&self, user: UserId) -> Result<RateLimitsView, AppError> {
        let level = self.level(user).await?;
        let mut classes = Vec::new();
        for class in SHOWN {
            let table = self.overrides.user_limits(class, level);
            let hourly: Vec<_> = table
                .iter()
                .filter(|(w, _)| *w == ciel_domain::ratelimit::Window::Hour)
                .copied()
                .collect();
            let daily = table
                .iter()
                .find(|(w, _)| *w == ciel_domain::ratelimit::Window::Day)
                .map(|(_, m)| *m);
            let key = format!("ratelimit:{user}:{}", class.name());
            let hour_max = hourly.first().map(|(_, m)| *m).unwrap_or(0);
            let remaining = self.limiter.peek(&key, &limits(&table)).await;
            // `peek` reports the tightest window; the hourly figure cannot exceed the hour max.
            classes.push((class, hour_max, daily, remaining.remaining.min(hour_max)));
        }
        Ok(RateLimitsView { level, classes })
    }
}
