//! Operator overrides of the §4 tables (`RATE_LIMIT_OVERRIDES`).
//!
//! Format: comma-separated `class:window:level=max` for per-user classes (e.g.
//! `post:hour:new=3`) and `action:window=max` for per-IP actions (e.g. `login:hour=20`).
//! Classes and actions use their key names (`post`, `media_read`, `login`, `signup` …), windows
//! are `minute`, `hour` or `day` and must be one the class already has, levels are `new`,
//! `basic`, `trusted` or `verified`, and `max` is a whole number from 1 to 1,000,000,000.
//!
//! # Example
//!
//! ```
//! use ciel_domain::ratelimit::LimitOverrides;
//! use ciel_domain::ratelimit::policy::{ActionClass, IpAction, Window};
//! use ciel_domain::trust::TrustLevel;
//!
//! let o = LimitOverrides::parse("post:hour:new=3, login:hour=20").unwrap();
//! assert!(o.user_limits(ActionClass::Post, TrustLevel::New).contains(&(Window::Hour, 3)));
//! assert_eq!(o.ip_limit(IpAction::Login, 5), (Window::Hour, 20));
//! assert!(LimitOverrides::parse("").unwrap().is_empty());
//! // A window the class does not have is refused, naming the entry.
//! let err = LimitOverrides::parse("like:day:new=5").unwrap_err();
//! assert!(err.contains("like:day:new=5"), "{err}");
//! ```

use super::policy::{ActionClass, IpAction, Window, ip_limit, user_limits};
use crate::trust::TrustLevel;
use std::collections::HashMap;

/// Parsed overrides; empty means the contract's tables.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LimitOverrides {
    user: HashMap<(ActionClass, Window, TrustLevel), u32>,
    ip: HashMap<(IpAction, Window), u32>,
}

fn level_named(name: &str) -> Option<TrustLevel> {
    TrustLevel::ALL
        .into_iter()
        .find(|l| l.name().eq_ignore_ascii_case(name))
}

fn window_named(name: &str) -> Option<Window> {
    Window::ALL.into_iter().find(|w| w.name() == name)
}

impl LimitOverrides {
    /// Parses the configuration value; the error names the first bad entry and what is allowed.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut out = Self::default();
        for entry in raw.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            out.parse_entry(entry)
                .map_err(|why| format!("entry {entry:?}: {why}"))?;
        }
        Ok(out)
    }

    fn parse_entry(&mut self, entry: &str) -> Result<(), String> {
        let (lhs, max) = entry
            .split_once('=')
            .ok_or("expected class:window:level=max or action:window=max")?;
        let max: u32 = max
            .trim()
            .parse()
            .ok()
            .filter(|m| (1..=1_000_000_000).contains(m))
            .ok_or("max must be a whole number from 1 to 1000000000")?;
        let parts: Vec<&str> = lhs.split(':').map(str::trim).collect();
        let window = |name: &str| {
            window_named(name).ok_or_else(|| format!("unknown window {name:?} (minute, hour, day)"))
        };
        match parts.as_slice() {
            [class, win, level] => {
                let class = ActionClass::ALL
                    .into_iter()
                    .find(|c| c.name() == *class)
                    .ok_or_else(|| format!("unknown per-user class {class:?}"))?;
                let win = window(win)?;
                let level = level_named(level).ok_or_else(|| {
                    format!("unknown level {level:?} (new, basic, trusted, verified)")
                })?;
                if !user_limits(class, level).iter().any(|(w, _)| *w == win) {
                    return Err(format!("{} has no {} window", class.name(), win.name()));
                }
                self.user.insert((class, win, level), max);
            }
            [action, win] => {
                let action = IpAction::ALL
                    .into_iter()
                    .find(|a| a.name() == *action)
                    .ok_or_else(|| format!("unknown per-IP action {action:?}"))?;
                let win = window(win)?;
                if ip_limit(action, 1).0 != win {
                    return Err(format!("{} has no {} window", action.name(), win.name()));
                }
                self.ip.insert((action, win), max);
            }
            _ => return Err("expected class:window:level=max or action:window=max".into()),
        }
        Ok(())
    }

    /// Whether nothing is overridden.
    pub fn is_empty(&self) -> bool {
        self.user.is_empty() && self.ip.is_empty()
    }

    /// [`user_limits`] with the overrides applied.
    pub fn user_limits(&self, class: ActionClass, level: TrustLevel) -> Vec<(Window, u32)> {
        let mut table = user_limits(class, level);
        for (window, max) in &mut table {
            if let Some(m) = self.user.get(&(class, *window, level)) {
                *max = *m;
            }
        }
        table
    }

    /// [`ip_limit`] with the overrides applied.
    pub fn ip_limit(&self, action: IpAction, signups_per_day: u32) -> (Window, u32) {
        let (window, max) = ip_limit(action, signups_per_day);
        (
            window,
            self.ip.get(&(action, window)).copied().unwrap_or(max),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_replace_single_cells() {
        let o =
            LimitOverrides::parse("post:hour:new=3, login:hour=20,post:day:Verified=9").unwrap();
        assert_eq!(
            o.user_limits(ActionClass::Post, TrustLevel::New),
            [(Window::Hour, 3), (Window::Day, 5)]
        );
        assert_eq!(
            o.user_limits(ActionClass::Post, TrustLevel::Verified),
            [(Window::Hour, 500), (Window::Day, 9)]
        );
        assert_eq!(
            o.user_limits(ActionClass::Post, TrustLevel::Basic),
            user_limits(ActionClass::Post, TrustLevel::Basic)
        );
        assert_eq!(o.ip_limit(IpAction::Login, 3), (Window::Hour, 20));
        assert_eq!(o.ip_limit(IpAction::Signup, 3), (Window::Day, 3));
        assert!(LimitOverrides::parse("").unwrap().is_empty());
    }

    #[test]
    fn bad_entries_are_named() {
        for (raw, needle) in [
            ("post:hour:new", "expected"),
            ("post:hour:new=0", "max must be"),
            ("post:hour:new=x", "max must be"),
            ("posts:hour:new=3", "unknown per-user class"),
            ("post:week:new=3", "unknown window"),
            ("post:hour:admin=3", "unknown level"),
            ("post:minute:new=3", "post has no minute window"),
            ("login:day=3", "login has no day window"),
            ("logins:hour=3", "unknown per-IP action"),
            ("a:b:c:d=1", "expected"),
        ] {
            let err = LimitOverrides::parse(raw).unwrap_err();
            assert!(err.contains(needle), "{raw}: {err}");
            assert!(err.contains(raw.split('=').next().unwrap()), "{err}");
        }
    }
}
