//! Rate limiting decisions (contract §4 with §0): per user by trust level, per client IP.
//! The HTTP edge asks before the handler runs, so requests that fail validation still count.

use crate::error::AppError;
use ciel_domain::UserId;
use ciel_domain::ports::{Decision, Limit, RateLimiter, TrustRepo};
use ciel_domain::ratelimit::{ActionClass, IpAction, ip_limit, user_limits};
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
        }
    }

    async fn level(&self, user: UserId) -> Result<TrustLevel, AppError> {
        Ok(self
            .trust
            .get(user)
            .await
            .map_err(AppError::internal)?
            .map(|r| r.level)
            .unwrap_or(TrustLevel::New))
    }

    /// Counts one `class` request of `user` against their level's limits.
    pub async fn check_user(&self, user: UserId, class: ActionClass) -> Result<Decision, AppError> {
        let level = self.level(user).await?;
        let key = format!("ratelimit:{user}:{}", class.name());
        Ok(self
            .limiter
            .check(&key, &limits(&user_limits(class, level)))
            .await)
    }

    /// Counts one `action` request from `ip`.
    pub async fn check_ip(&self, ip: IpAddr, action: IpAction) -> Decision {
        let key = format!("ratelimit:ip:{ip}:{}", action.name());
        let limit = ip_limit(action, self.signups_per_day);
        self.limiter.check(&key, &limits(&[limit])).await
    }

    /// The caller's limits and what is left of each hourly window, without counting.
    pub async fn view(&self, user: UserId) -> Result<RateLimitsView, AppError> {
        let level = self.level(user).await?;
        let mut classes = Vec::new();
        for class in SHOWN {
            let table = user_limits(class, level);
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
