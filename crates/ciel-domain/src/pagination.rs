//! Keyset pagination (contract §1.5): page limits, the `{timestamp}/{uuid}` cursor and pages.
//!
//! # Example
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use ciel_domain::{Cursor, Page, PageLimit};
//! use uuid::Uuid;
//!
//! let limit = PageLimit::parse(Some(2)).unwrap();
//! let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap();
//! // Rows as a query returns them: `limit + 1`, newest first.
//! let rows: Vec<(chrono::DateTime<Utc>, Uuid)> =
//!     (0..3).map(|i| (t0 - Duration::seconds(i), Uuid::from_u128(i as u128))).collect();
//! let page = Page::from_lookahead(rows.clone(), limit, |(ts, id)| Cursor { ts: *ts, id: *id });
//! assert_eq!(page.items.len(), 2);
//! let next = page.next_cursor.unwrap();
//! assert_eq!((next.ts, next.id), rows[1], "the cursor is the last item returned");
//! assert_eq!(Cursor::parse(&next.to_string()), Ok(next));
//! assert!(PageLimit::parse(Some(201)).is_err());
//! ```

use crate::time::{Timestamp, format_timestamp};
use chrono::{DateTime, Utc};
use std::fmt;
use uuid::Uuid;

/// The default page size when the client sends no `limit`.
pub const DEFAULT_PAGE_LIMIT: u16 = 30;
/// The largest page size a client may ask for.
pub const MAX_PAGE_LIMIT: u16 = 200;

/// A page size in `1..=200`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageLimit(u16);

/// A `limit` outside `1..=200`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("limit must be between 1 and 200")]
pub struct LimitError;

impl PageLimit {
    /// Validates a client-supplied limit; `None` means the default (30).
    pub fn parse(limit: Option<i64>) -> Result<Self, LimitError> {
        match limit {
            None => Ok(Self(DEFAULT_PAGE_LIMIT)),
            Some(n) if (1..=i64::from(MAX_PAGE_LIMIT)).contains(&n) => Ok(Self(n as u16)),
            Some(_) => Err(LimitError),
        }
    }

    /// The number of items a page holds.
    pub fn get(self) -> u16 {
        self.0
    }

    /// The number of rows to fetch: one more than the page, to learn whether a next page exists.
    pub fn fetch_count(self) -> i64 {
        i64::from(self.0) + 1
    }
}

impl Default for PageLimit {
    fn default() -> Self {
        Self(DEFAULT_PAGE_LIMIT)
    }
}

/// The sort key of the last item a page returned: `(timestamp, uuid)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// The item's timestamp (its list's sort column).
    pub ts: Timestamp,
    /// The item's id, which breaks timestamp ties.
    pub id: Uuid,
}

/// A cursor that does not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid cursor")]
pub struct CursorError;

impl Cursor {
    /// Parses `{RFC3339 timestamp}/{uuid}`, splitting on the first `/`.
    pub fn parse(raw: &str) -> Result<Self, CursorError> {
        let (ts, id) = raw.split_once('/').ok_or(CursorError)?;
        let ts = DateTime::parse_from_rfc3339(ts)
            .map_err(|_| CursorError)?
            .with_timezone(&Utc);
        let id = Uuid::parse_str(id).map_err(|_| CursorError)?;
        Ok(Self { ts, id })
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", format_timestamp(&self.ts), self.id.hyphenated())
    }
}

/// What a list endpoint was asked for: a size and where to start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// How many items to return.
    pub limit: PageLimit,
    /// Start strictly after this key; `None` for the first page.
    pub after: Option<Cursor>,
}

/// One page of a keyset-paginated list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    /// The items, in list order.
    pub items: Vec<T>,
    /// The key of the last item returned when more items follow; `None` on the last page.
    pub next_cursor: Option<Cursor>,
}

impl<T> Page<T> {
    /// Builds a page from `limit + 1` fetched rows: if the look-ahead row is there, it is
    /// dropped and the cursor is the key of the **last item returned** (never the look-ahead
    /// row, which would skip an item at each boundary).
    pub fn from_lookahead(mut rows: Vec<T>, limit: PageLimit, key: impl Fn(&T) -> Cursor) -> Self {
        let limit = usize::from(limit.get());
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(key)
        } else {
            None
        };
        Self {
            items: rows,
            next_cursor,
        }
    }

    /// Maps the items, keeping the cursor.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_bounds() {
        assert_eq!(PageLimit::parse(None).unwrap().get(), 30);
        assert_eq!(PageLimit::parse(Some(1)).unwrap().get(), 1);
        assert_eq!(PageLimit::parse(Some(200)).unwrap().get(), 200);
        assert_eq!(PageLimit::parse(Some(0)), Err(LimitError));
        assert_eq!(PageLimit::parse(Some(201)), Err(LimitError));
        assert_eq!(PageLimit::parse(Some(-5)), Err(LimitError));
        assert_eq!(LimitError.to_string(), "limit must be between 1 and 200");
    }

    #[test]
    fn cursor_round_trips() {
        let raw = "2024-01-15T12:00:00.123456Z/550e8400-e29b-41d4-a716-446655440000";
        let c = Cursor::parse(raw).unwrap();
        assert_eq!(c.to_string(), raw);
    }

    #[test]
    fn cursor_rejects_bad_parts() {
        for raw in [
            "",
            "2024-01-15T12:00:00Z",
            "2024-01-15T12:00:00Z/",
            "/550e8400-e29b-41d4-a716-446655440000",
            "yesterday/550e8400-e29b-41d4-a716-446655440000",
            "2024-01-15T12:00:00Z/not-a-uuid",
            "2024-01-15T12:00:00Z/550e8400-e29b-41d4-a716-446655440000/extra",
        ] {
            assert_eq!(Cursor::parse(raw), Err(CursorError), "{raw:?}");
        }
    }

    #[test]
    fn lookahead_page_uses_last_returned_item() {
        let limit = PageLimit::parse(Some(2)).unwrap();
        let ts = Utc::now();
        let ids: Vec<Uuid> = (0..3).map(|_| Uuid::new_v4()).collect();
        let page = Page::from_lookahead(ids.clone(), limit, |id| Cursor { ts, id: *id });
        assert_eq!(page.items, ids[..2]);
        assert_eq!(page.next_cursor.unwrap().id, ids[1]);

        let last = Page::from_lookahead(ids[..2].to_vec(), limit, |id| Cursor { ts, id: *id });
        assert_eq!(last.items.len(), 2);
        assert!(last.next_cursor.is_none());
    }
}
