//! Timestamps: the contract's RFC 3339 UTC form with microsecond precision.
//!
//! # Example
//!
//! ```
//! use chrono::{DateTime, Utc};
//! use ciel_domain::time::{format_timestamp, to_db_precision};
//!
//! let ts = DateTime::parse_from_rfc3339("2026-01-15T12:00:00.123456789Z").unwrap().with_timezone(&Utc);
//! assert_eq!(format_timestamp(&ts), "2026-01-15T12:00:00.123456Z");
//! // Postgres keeps microseconds: truncate once and the value round-trips unchanged.
//! assert_eq!(format_timestamp(&to_db_precision(ts)), "2026-01-15T12:00:00.123456Z");
//! assert_eq!(to_db_precision(to_db_precision(ts)), to_db_precision(ts));
//! ```

use chrono::{DateTime, SecondsFormat, Utc};

/// A point in time, always UTC.
pub type Timestamp = DateTime<Utc>;

/// Formats a timestamp the way every Ciel response does: RFC 3339, `Z` offset, microseconds
/// (Postgres keeps microseconds, so nothing is lost or invented).
pub fn format_timestamp(ts: &Timestamp) -> String {
    ts.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Truncates a timestamp to the microsecond precision that Postgres stores, so that values
/// round-trip through the database and cursors unchanged.
pub fn to_db_precision(ts: Timestamp) -> Timestamp {
    let micros = ts.timestamp_micros();
    DateTime::from_timestamp_micros(micros).unwrap_or(ts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_micros_and_z() {
        let ts = DateTime::parse_from_rfc3339("2024-01-15T12:00:00.123456789+00:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(format_timestamp(&ts), "2024-01-15T12:00:00.123456Z");
        assert_eq!(
            format_timestamp(&to_db_precision(ts)),
            "2024-01-15T12:00:00.123456Z"
        );
    }
}
