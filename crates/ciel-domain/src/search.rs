//! Search terms (contract §1.7, §2.10): trimmed, 2–100 bytes, matched literally as a
//! case-insensitive substring.
//!
//! # Example
//!
//! ```
//! use ciel_domain::search::{SearchTerm, SearchTermError};
//!
//! assert_eq!(SearchTerm::parse(Some("  sunset ")).unwrap().as_str(), "sunset");
//! assert_eq!(SearchTerm::parse(Some("a")), Err(SearchTermError::TooShort));
//! assert_eq!(SearchTerm::parse(None), Err(SearchTermError::Missing));
//! ```

/// The shortest term, in bytes after trimming.
pub const TERM_MIN_BYTES: usize = 2;
/// The longest term, in bytes after trimming.
pub const TERM_MAX_BYTES: usize = 100;

/// A `q` that breaks a rule; the message is the contract's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SearchTermError {
    /// No `q` at all.
    #[error("q is required")]
    Missing,
    /// Under 2 bytes after trimming.
    #[error("q must be at least 2 characters")]
    TooShort,
    /// Over 100 bytes after trimming.
    #[error("q must be at most 100 characters")]
    TooLong,
}

/// A validated search term: matched literally (`%`, `_` and `\` are ordinary characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchTerm(String);

impl SearchTerm {
    /// Validates `q`: trimmed, then 2–100 bytes.
    pub fn parse(q: Option<&str>) -> Result<Self, SearchTermError> {
        let q = q.ok_or(SearchTermError::Missing)?.trim();
        if q.len() < TERM_MIN_BYTES {
            return Err(SearchTermError::TooShort);
        }
        if q.len() > TERM_MAX_BYTES {
            return Err(SearchTermError::TooLong);
        }
        Ok(Self(q.to_owned()))
    }

    /// The trimmed term.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_trimmed_and_bounded_in_bytes() {
        assert_eq!(SearchTerm::parse(None), Err(SearchTermError::Missing));
        assert_eq!(
            SearchTerm::parse(Some("  a  ")),
            Err(SearchTermError::TooShort)
        );
        assert_eq!(SearchTerm::parse(Some(" ab ")).unwrap().as_str(), "ab");
        // One two-byte character is long enough.
        assert!(SearchTerm::parse(Some("é")).is_ok());
        assert!(SearchTerm::parse(Some(&"a".repeat(100))).is_ok());
        assert_eq!(
            SearchTerm::parse(Some(&"a".repeat(101))),
            Err(SearchTermError::TooLong)
        );
        assert_eq!(
            SearchTermError::TooShort.to_string(),
            "q must be at least 2 characters"
        );
        assert_eq!(
            SearchTermError::TooLong.to_string(),
            "q must be at most 100 characters"
        );
    }
}
