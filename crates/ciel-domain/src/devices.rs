//! Device fingerprint rules (contract §3.10) that need no I/O.
//!
//! # Example
//!
//! ```
//! use ciel_domain::UserId;
//! use ciel_domain::devices::{MAX_RISK, link_user, risk_increment, validate_fingerprint};
//!
//! assert_eq!(risk_increment(0), 5);
//! assert_eq!(risk_increment(11), 50);
//! let (a, b) = (UserId::generate(), UserId::generate());
//! let (users, risk) = link_user(vec![a], 10, Some(b));
//! assert_eq!((users.len(), risk), (2, 15));
//! // Linking a known user changes nothing; the risk never passes the maximum.
//! assert_eq!(link_user(users.clone(), 99, Some(a)), (users, 99));
//! assert_eq!(link_user(vec![], 99, Some(b)).1, MAX_RISK);
//! assert!(validate_fingerprint("  ").is_err());
//! ```

/// Highest risk score.
pub const MAX_RISK: i32 = 100;
/// Scores above this are logged for operators.
pub const RISK_ALERT_THRESHOLD: i32 = 80;

/// How much linking one more account raises a device's risk, given how many accounts it had
/// **before** linking: 0–2 → +5, 3–5 → +15, 6–10 → +30, more → +50.
pub fn risk_increment(accounts_before: i32) -> i32 {
    match accounts_before {
        i32::MIN..=2 => 5,
        3..=5 => 15,
        6..=10 => 30,
        _ => 50,
    }
}

/// The risk after linking one more account, capped at 100.
pub fn risk_after_link(risk: i32, accounts_before: i32) -> i32 {
    (risk + risk_increment(accounts_before)).min(MAX_RISK)
}

/// Links `user` to a device with `user_ids` and `risk` (contract §3.10): a user not yet linked
/// is appended and raises the risk by the count **before** linking; a known user, or none,
/// changes nothing. Returns the new links and risk.
pub fn link_user(
    mut user_ids: Vec<crate::UserId>,
    risk: i32,
    user: Option<crate::UserId>,
) -> (Vec<crate::UserId>, i32) {
    match user {
        Some(user) if !user_ids.contains(&user) => {
            let before = i32::try_from(user_ids.len()).unwrap_or(i32::MAX);
            user_ids.push(user);
            (user_ids, risk_after_link(risk, before))
        }
        _ => (user_ids, risk),
    }
}

/// Validates a raw fingerprint: not blank, at most 512 bytes.
pub fn validate_fingerprint(raw: &str) -> Result<(), crate::accounts::Invalid> {
    if raw.trim().is_empty() {
        return Err(crate::accounts::Invalid("fingerprint is required".into()));
    }
    if raw.len() > 512 {
        return Err(crate::accounts::Invalid(
            "fingerprint must be at most 512 characters".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risk_grows_with_the_accounts_already_linked_and_caps() {
        assert_eq!(
            [0, 2, 3, 5, 6, 10, 11].map(risk_increment),
            [5, 5, 15, 15, 30, 30, 50]
        );
        assert_eq!(risk_after_link(90, 11), 100);
        assert_eq!(risk_after_link(0, 0), 5);
    }

    #[test]
    fn only_a_new_user_is_linked_and_raises_the_risk() {
        let (a, b) = (crate::UserId::generate(), crate::UserId::generate());
        let (ids, risk) = link_user(Vec::new(), 0, Some(a));
        assert_eq!((ids.clone(), risk), (vec![a], 5));
        assert_eq!(link_user(ids.clone(), 5, Some(a)), (vec![a], 5));
        assert_eq!(link_user(ids.clone(), 5, None), (vec![a], 5));
        let three = vec![a, crate::UserId::generate(), crate::UserId::generate()];
        let (ids, risk) = link_user(three, 15, Some(b));
        assert_eq!((ids.len(), ids[3], risk), (4, b, 30));
    }

    #[test]
    fn fingerprints_are_bounded() {
        assert!(validate_fingerprint("abc").is_ok());
        assert_eq!(
            validate_fingerprint("  ").unwrap_err().0,
            "fingerprint is required"
        );
        assert!(validate_fingerprint(&"x".repeat(513)).is_err());
    }
}

/// A device as its linked users see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    /// SHA-256 hex of the raw fingerprint (64 chars; the wire shows the first 16).
    pub fingerprint_hash: String,
    /// Accounts linked to it.
    pub account_count: i32,
    /// 0–100.
    pub risk_score: i32,
    /// Blocked by an operator.
    pub is_blocked: bool,
    /// Last registration.
    pub last_seen_at: crate::time::Timestamp,
}
