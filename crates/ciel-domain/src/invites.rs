//! Invite rules (contract §3.6) that need no I/O: the code format, validity, consumption checks.
//!
//! # Example
//!
//! ```
//! use ciel_domain::invites::{
//!     INVITE_CODE_LEN, MAX_USER_DAYS_VALID, invite_code_from_entropy, is_well_formed_code,
//!     validate_days_valid,
//! };
//!
//! // The caller supplies the randomness; the domain only maps it to a code.
//! let code = invite_code_from_entropy(&[42u8; 32]).unwrap();
//! assert_eq!(code.len(), INVITE_CODE_LEN);
//! assert!(is_well_formed_code(&code));
//! assert!(!is_well_formed_code("short"));
//! assert_eq!(validate_days_valid(None, MAX_USER_DAYS_VALID), Ok(7));
//! assert_eq!(
//!     validate_days_valid(Some(31), MAX_USER_DAYS_VALID).unwrap_err(),
//!     "days_valid must be between 1 and 30"
//! );
//! ```

/// Length of an invite code.
pub const INVITE_CODE_LEN: usize = 12;
const ALPHABET: &[u8; 36] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// Builds a 12-character `A–Z0–9` code from random bytes (supply them from a CSPRNG; 32 bytes
/// are plenty). Uses rejection sampling so every character is equally likely; `None` when the
/// bytes ran out first (ask again with more).
pub fn invite_code_from_entropy(entropy: &[u8]) -> Option<String> {
    // 252 = 7 × 36: bytes at or above it would bias the modulo.
    let code: String = entropy
        .iter()
        .filter(|b| **b < 252)
        .take(INVITE_CODE_LEN)
        .map(|b| ALPHABET[usize::from(*b % 36)] as char)
        .collect();
    (code.len() == INVITE_CODE_LEN).then_some(code)
}

/// Whether `code` has the shape of an invite code.
pub fn is_well_formed_code(code: &str) -> bool {
    code.len() == INVITE_CODE_LEN && code.bytes().all(|b| ALPHABET.contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_twelve_uppercase_alphanumerics() {
        let entropy: Vec<u8> = (0..=255).collect();
        let code = invite_code_from_entropy(&entropy).unwrap();
        assert_eq!(code, "ABCDEFGHIJKL");
        assert!(is_well_formed_code(&code));
        assert!(!is_well_formed_code("abcdefghijkl"));
        assert!(!is_well_formed_code("ABC"));
    }

    #[test]
    fn biased_bytes_are_skipped_and_shortage_is_reported() {
        let mut entropy = vec![255u8, 252, 253];
        entropy.extend(std::iter::repeat_n(35u8, 12));
        assert_eq!(invite_code_from_entropy(&entropy).unwrap(), "999999999999");
        assert_eq!(invite_code_from_entropy(&[1, 2, 3]), None);
    }
}

/// Who may create an invite and what it is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InviteType {
    /// Created by a user, counted against their quota.
    Standard,
    /// Created by an operator; has no creator.
    Admin,
    /// Reserved.
    Beta,
}

impl InviteType {
    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::Admin => "admin",
            Self::Beta => "beta",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "standard" => Self::Standard,
            "admin" => Self::Admin,
            "beta" => Self::Beta,
            _ => return None,
        })
    }
}

/// An invite code and its state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invite {
    /// The code (primary key).
    pub code: String,
    /// The creating user; `None` for admin codes.
    pub created_by: Option<crate::UserId>,
    /// Who used it.
    pub used_by: Option<crate::UserId>,
    /// When it was created.
    pub created_at: crate::time::Timestamp,
    /// When it was used.
    pub used_at: Option<crate::time::Timestamp>,
    /// When it stops being accepted.
    pub expires_at: crate::time::Timestamp,
    /// False once revoked or used up.
    pub is_valid: bool,
    /// Its type.
    pub invite_type: InviteType,
    /// Times used.
    pub use_count: i32,
    /// Times it may be used.
    pub max_uses: i32,
}

/// A new invite to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewInvite {
    /// The code.
    pub code: String,
    /// The creating user; `None` for admin codes.
    pub created_by: Option<crate::UserId>,
    /// Its type.
    pub invite_type: InviteType,
    /// When it was created; `expires_at` is measured from this same instant, so a code made
    /// "valid 7 days" lives exactly 7 days.
    pub created_at: crate::time::Timestamp,
    /// When it expires.
    pub expires_at: crate::time::Timestamp,
}

/// Days an invite stays valid when the creator does not say.
pub const DEFAULT_DAYS_VALID: i64 = 7;
/// Longest validity a user may choose.
pub const MAX_USER_DAYS_VALID: i64 = 30;
/// Longest validity an admin may choose.
pub const MAX_ADMIN_DAYS_VALID: i64 = 365;

/// Validates `days_valid` against `1..=max` (default 7), with the contract's message.
pub fn validate_days_valid(days: Option<i64>, max: i64) -> Result<i64, String> {
    let days = days.unwrap_or(DEFAULT_DAYS_VALID);
    if (1..=max).contains(&days) {
        Ok(days)
    } else {
        Err(format!("days_valid must be between 1 and {max}"))
    }
}

#[cfg(test)]
mod validity_tests {
    use super::*;

    #[test]
    fn days_valid_bounds() {
        assert_eq!(validate_days_valid(None, MAX_ADMIN_DAYS_VALID), Ok(7));
        assert_eq!(
            validate_days_valid(Some(365), MAX_ADMIN_DAYS_VALID),
            Ok(365)
        );
        assert_eq!(
            validate_days_valid(Some(366), MAX_ADMIN_DAYS_VALID).unwrap_err(),
            "days_valid must be between 1 and 365"
        );
        assert_eq!(
            validate_days_valid(Some(0), MAX_USER_DAYS_VALID).unwrap_err(),
            "days_valid must be between 1 and 30"
        );
        assert_eq!(validate_days_valid(Some(30), MAX_USER_DAYS_VALID), Ok(30));
    }
}

/// Why an invite cannot be used for a sign-up, in the contract's check order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InviteProblem {
    /// No such code.
    #[error("Invalid invite code")]
    Unknown,
    /// Revoked (or used up earlier).
    #[error("Invite code has been revoked")]
    Revoked,
    /// Past its expiry.
    #[error("Invite code has expired")]
    Expired,
    /// Every use taken.
    #[error("Invite code has been fully used")]
    FullyUsed,
}

impl Invite {
    /// Checks, in order, that the code is valid, unexpired and not used up at `now`.
    pub fn check_consumable(&self, now: crate::time::Timestamp) -> Result<(), InviteProblem> {
        if !self.is_valid {
            return Err(InviteProblem::Revoked);
        }
        if self.expires_at <= now {
            return Err(InviteProblem::Expired);
        }
        if self.use_count >= self.max_uses {
            return Err(InviteProblem::FullyUsed);
        }
        Ok(())
    }

    /// What `GET /invites/validate/:code` answers.
    pub fn is_usable(&self, now: crate::time::Timestamp) -> bool {
        self.check_consumable(now).is_ok()
    }
}

#[cfg(test)]
mod consume_tests {
    use super::*;
    use chrono::Utc;

    fn invite() -> Invite {
        Invite {
            code: "ABCDEFGHJKLM".into(),
            created_by: None,
            used_by: None,
            created_at: Utc::now(),
            used_at: None,
            expires_at: Utc::now() + chrono::Duration::days(1),
            is_valid: true,
            invite_type: InviteType::Admin,
            use_count: 0,
            max_uses: 1,
        }
    }

    #[test]
    fn checks_run_in_the_contract_order() {
        let now = Utc::now();
        assert_eq!(invite().check_consumable(now), Ok(()));
        let mut i = invite();
        i.is_valid = false;
        i.expires_at = now - chrono::Duration::days(1);
        assert_eq!(i.check_consumable(now), Err(InviteProblem::Revoked));
        let mut i = invite();
        i.expires_at = now - chrono::Duration::seconds(1);
        i.use_count = 1;
        assert_eq!(i.check_consumable(now), Err(InviteProblem::Expired));
        let mut i = invite();
        i.use_count = 1;
        assert_eq!(i.check_consumable(now), Err(InviteProblem::FullyUsed));
        assert_eq!(InviteProblem::Unknown.to_string(), "Invalid invite code");
    }
}

/// What one sign-up does to the code it consumes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InviteUse {
    /// Uses after this one.
    pub use_count: i32,
    /// The new account.
    pub used_by: crate::UserId,
    /// When.
    pub used_at: crate::time::Timestamp,
    /// Still valid afterwards (false once used up).
    pub is_valid: bool,
}

impl Invite {
    /// Consumes one use of the code for `user` at `now` (contract §3.6): checked with
    /// [`Invite::check_consumable`] first; the code stays valid only while uses remain.
    pub fn consume(
        &self,
        user: crate::UserId,
        now: crate::time::Timestamp,
    ) -> Result<InviteUse, InviteProblem> {
        self.check_consumable(now)?;
        let use_count = self.use_count + 1;
        Ok(InviteUse {
            use_count,
            used_by: user,
            used_at: now,
            is_valid: use_count < self.max_uses,
        })
    }
}

#[cfg(test)]
mod use_tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn a_use_counts_and_invalidates_the_last_one() {
        let now = Utc::now();
        let user = crate::UserId::generate();
        let mut invite = Invite {
            code: "ABCDEFGHJKLM".into(),
            created_by: None,
            used_by: None,
            created_at: now,
            used_at: None,
            expires_at: now + chrono::Duration::days(1),
            is_valid: true,
            invite_type: InviteType::Admin,
            use_count: 0,
            max_uses: 2,
        };
        let first = invite.consume(user, now).unwrap();
        assert_eq!((first.use_count, first.is_valid), (1, true));
        assert_eq!((first.used_by, first.used_at), (user, now));
        invite.use_count = 1;
        assert!(!invite.consume(user, now).unwrap().is_valid);
        invite.use_count = 2;
        assert_eq!(invite.consume(user, now), Err(InviteProblem::FullyUsed));
    }
}
