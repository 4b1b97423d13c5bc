//! The cross-instance rate-limit probe: a burst of wrong-password logins from one forwarded
//! address, spread by nginx over both APIs, must be refused (429) after exactly the per-IP login
//! limit (10 an hour, contract §4.3) — the two instances share one budget.

use super::client::Client;
use reqwest::Method;
use serde_json::json;
use std::collections::BTreeSet;

/// The contract's per-IP login limit.
pub const LOGIN_LIMIT: usize = 10;
const BURST: usize = 24;

/// What the probe saw.
pub struct Probe {
    /// Status of each attempt in order (0: transport error).
    pub statuses: Vec<u16>,
    /// The instances that answered.
    pub served_by: BTreeSet<String>,
}

impl Probe {
    /// Whether the limit held across the instances: exactly `LOGIN_LIMIT` 401s, then only 429s,
    /// answered by both instances.
    pub fn held(&self) -> bool {
        let expected: Vec<u16> = std::iter::repeat_n(401, LOGIN_LIMIT)
            .chain(std::iter::repeat_n(429, BURST - LOGIN_LIMIT))
            .collect();
        self.statuses == expected && self.served_by.len() >= 2
    }

    /// One line for the report.
    pub fn describe(&self) -> String {
        let count = |s: u16| self.statuses.iter().filter(|x| **x == s).count();
        format!(
            "{} wrong-password logins from one address: {} × 401 then {} × 429 (limit {LOGIN_LIMIT}); answered by {}",
            self.statuses.len(),
            count(401),
            count(429),
            self.served_by
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(" and ")
        )
    }
}

/// Sends the burst sequentially.
pub async fn login_burst(http: &Client, seed: u64) -> Probe {
    let mut statuses = Vec::new();
    let mut served_by = BTreeSet::new();
    for _ in 0..BURST {
        let req = http
            .api(Method::POST, "/v1/auth/login", "10.254.0.1")
            .json(&json!({ "email": format!("nobody_{seed}@soak.ciel.test"), "password": "Wrong-pass-1" }));
        match http.send("probe-login", req, &[401, 429]).await {
            Some(r) => {
                statuses.push(r.status);
                served_by.extend(r.served_by);
            }
            None => statuses.push(0),
        }
    }
    Probe {
        statuses,
        served_by,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(statuses: Vec<u16>, by: &[&str]) -> Probe {
        Probe {
            statuses,
            served_by: by.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn the_limit_holds_only_at_exactly_the_combined_budget_on_both_instances() {
        let exact: Vec<u16> = std::iter::repeat_n(401, LOGIN_LIMIT)
            .chain(std::iter::repeat_n(429, BURST - LOGIN_LIMIT))
            .collect();
        assert!(probe(exact.clone(), &["api-1", "api-2"]).held());
        assert!(!probe(exact.clone(), &["api-1"]).held());
        let mut per_instance = exact.clone();
        per_instance[LOGIN_LIMIT] = 401; // one instance counting on its own lets an 11th through
        assert!(!probe(per_instance, &["api-1", "api-2"]).held());
        let mut early = exact;
        early[3] = 429;
        assert!(!probe(early, &["api-1", "api-2"]).held());
    }
}
