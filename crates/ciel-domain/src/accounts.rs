//! Account values validated per contract §1.7, with the contract's messages. Each constructor
//! trims where the contract says so and returns the first problem found.
//!
//! # Example
//!
//! ```
//! use ciel_domain::accounts::{Bio, DisplayName, Email, Handle, validate_new_password};
//!
//! assert_eq!(Handle::parse(" ada_99 ").unwrap().as_str(), "ada_99");
//! assert_eq!(
//!     Handle::parse("no spaces").unwrap_err().0,
//!     "handle can only contain letters, numbers, and underscores"
//! );
//! assert!(Email::parse("ada@example.com").is_ok());
//! assert!(Email::parse("not-an-email").is_err());
//! assert_eq!(DisplayName::parse("Ada").unwrap().as_str(), "Ada");
//! assert!(Bio::parse("Counting engines.").is_ok());
//! assert!(validate_new_password("Engine1843").is_ok());
//! assert!(validate_new_password("short1A").is_err());
//! ```

/// A validation failure whose message is shown to the client as is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

fn invalid(message: impl Into<String>) -> Invalid {
    Invalid(message.into())
}

/// A handle: 3–30 ASCII letters, digits or `_` after trimming; case-sensitive.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Handle(String);

impl Handle {
    /// Validates a handle.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let h = raw.trim();
        if h.len() < 3 {
            return Err(invalid("handle must be at least 3 characters"));
        }
        if h.len() > 30 {
            return Err(invalid("handle must be at most 30 characters"));
        }
        if !h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(invalid(
                "handle can only contain letters, numbers, and underscores",
            ));
        }
        Ok(Self(h.to_owned()))
    }

    /// The handle.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email address: not blank, ≤254 bytes after trimming, one `@`, a local part, a dotted domain.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Validates an email address (stored as sent after trimming, compared exactly).
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let e = raw.trim();
        if e.is_empty() {
            return Err(invalid("email cannot be empty"));
        }
        let well_formed = e.len() <= 254
            && e.matches('@').count() == 1
            && e.split_once('@')
                .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
        if !well_formed {
            return Err(invalid("invalid email format"));
        }
        Ok(Self(e.to_owned()))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A display name: not blank after trimming, ≤50 bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    /// Validates a display name (trimmed).
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let d = raw.trim();
        if d.is_empty() {
            return Err(invalid("display_name cannot be empty"));
        }
        if d.len() > 50 {
            return Err(invalid("display_name must be at most 50 characters"));
        }
        Ok(Self(d.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A bio: at most 500 bytes; may be empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bio(String);

impl Bio {
    /// Validates a bio (kept as sent).
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        if raw.len() > 500 {
            return Err(invalid("bio must be at most 500 characters"));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: ≥8 bytes after trimming, ≤128 bytes, with an uppercase letter, a lowercase
/// letter and an ASCII digit. The password itself is kept untrimmed.
pub fn validate_new_password(raw: &str) -> Result<(), Invalid> {
    if raw.trim().len() < 8 {
        return Err(invalid("password must be at least 8 characters"));
    }
    if raw.len() > 128 {
        return Err(invalid("password must be at most 128 characters"));
    }
    let upper = raw.chars().any(char::is_uppercase);
    let lower = raw.chars().any(char::is_lowercase);
    let digit = raw.bytes().any(|b| b.is_ascii_digit());
    if !(upper && lower && digit) {
        return Err(invalid(
            "password must contain at least one uppercase letter, one lowercase letter, and one digit",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg<T: std::fmt::Debug>(r: Result<T, Invalid>) -> String {
        r.unwrap_err().0
    }

    #[test]
    fn handles() {
        assert_eq!(Handle::parse("  ann_1 ").unwrap().as_str(), "ann_1");
        assert_eq!(
            msg(Handle::parse("ab")),
            "handle must be at least 3 characters"
        );
        assert_eq!(
            msg(Handle::parse(&"a".repeat(31))),
            "handle must be at most 30 characters"
        );
        assert_eq!(
            msg(Handle::parse("ann-1")),
            "handle can only contain letters, numbers, and underscores"
        );
        assert_eq!(
            msg(Handle::parse("anné")),
            "handle can only contain letters, numbers, and underscores"
        );
        assert!(Handle::parse(&"a".repeat(30)).is_ok());
    }

    #[test]
    fn emails() {
        assert_eq!(Email::parse(" a@b.co ").unwrap().as_str(), "a@b.co");
        assert_eq!(msg(Email::parse("   ")), "email cannot be empty");
        for bad in ["ab.co", "a@@b.co", "@b.co", "a@bco", "a@b@c.co"] {
            assert_eq!(msg(Email::parse(bad)), "invalid email format", "{bad}");
        }
        let long = format!("{}@b.co", "a".repeat(250));
        assert_eq!(msg(Email::parse(&long)), "invalid email format");
    }

    #[test]
    fn display_names_and_bios() {
        assert_eq!(DisplayName::parse(" Ann ").unwrap().as_str(), "Ann");
        assert_eq!(msg(DisplayName::parse(" ")), "display_name cannot be empty");
        assert!(DisplayName::parse(&"é".repeat(25)).is_ok(), "50 bytes");
        assert!(DisplayName::parse(&"é".repeat(26)).is_err(), "52 bytes");
        assert!(Bio::parse("").is_ok());
        assert!(Bio::parse(&"x".repeat(501)).is_err());
    }

    #[test]
    fn passwords() {
        assert!(validate_new_password("Abcdefg1").is_ok());
        assert!(validate_new_password("Abc1").is_err());
        assert!(
            validate_new_password("   Abc1    ").is_err(),
            "8 bytes only after trimming"
        );
        assert!(validate_new_password("abcdefg1").is_err());
        assert!(validate_new_password("ABCDEFG1").is_err());
        assert!(validate_new_password("Abcdefgh").is_err());
        assert!(validate_new_password(&format!("Ab1{}", "x".repeat(126))).is_err());
    }
}
