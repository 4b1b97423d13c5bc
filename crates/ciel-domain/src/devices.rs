//! Device fingerprint rules (contract §3.10) that need no I/O.

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
