//! `PageParams`: `?limit=&cursor=` validated per contract §1.5.

use crate::error::ApiError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use ciel_domain::{Cursor, PageLimit, PageRequest};
use serde::Deserialize;
use std::future::{Ready, ready};

#[derive(Deserialize)]
struct RawPage {
    limit: Option<String>,
    cursor: Option<String>,
}

/// A validated page request.
#[derive(Clone, Copy, Debug)]
pub struct PageParams(pub PageRequest);

/// Parses `limit` and `cursor` from a query string.
pub fn parse_page(query: &str) -> Result<PageRequest, ApiError> {
    let raw = web::Query::<RawPage>::from_query(query)
        .map_err(|_| ApiError::bad_request("invalid query string"))?
        .into_inner();
    let limit = match raw.limit.as_deref() {
        None => None,
        Some(s) => Some(
            s.trim()
                .parse::<i64>()
                .map_err(|_| ApiError::bad_request("limit must be between 1 and 200"))?,
        ),
    };
    let limit = PageLimit::parse(limit).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let after = match raw.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => Some(Cursor::parse(c).map_err(|e| ApiError::bad_request(e.to_string()))?),
    };
    Ok(PageRequest { limit, after })
}

impl FromRequest for PageParams {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse_page(req.query_string()).map(PageParams))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(q: &str) -> String {
        parse_page(q).unwrap_err().message().to_owned()
    }

    #[test]
    fn pages_parse_and_reject_per_contract() {
        assert_eq!(parse_page("").unwrap().limit.get(), 30);
        assert_eq!(parse_page("limit=200").unwrap().limit.get(), 200);
        assert_eq!(err("limit=0"), "limit must be between 1 and 200");
        assert_eq!(err("limit=201"), "limit must be between 1 and 200");
        assert_eq!(err("limit=abc"), "limit must be between 1 and 200");
        assert_eq!(err("cursor=nope"), "invalid cursor");
        let ok = parse_page(
            "cursor=2024-01-15T12%3A00%3A00.123456Z%2F550e8400-e29b-41d4-a716-446655440000",
        )
        .unwrap();
        assert!(ok.after.is_some());
    }
}
