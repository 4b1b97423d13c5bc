//! The page envelope of contract §1.5: `{"items": [...], "next_cursor": string|null}`.

use ciel_domain::Page;
use serde::Serialize;
use utoipa::ToSchema;

/// A page on the wire; `next_cursor` is always present.
#[derive(Serialize, ToSchema)]
pub struct PageDto<T> {
    /// The items in list order.
    pub items: Vec<T>,
    /// The cursor for the next page, or `null` on the last page.
    #[schema(required)]
    pub next_cursor: Option<String>,
}

impl<T> PageDto<T> {
    /// Converts a domain page, mapping each item to its DTO.
    pub fn from_page<D>(page: Page<D>, f: impl FnMut(D) -> T) -> Self {
        Self {
            next_cursor: page.next_cursor.map(|c| c.to_string()),
            items: page.items.into_iter().map(f).collect(),
        }
    }
}
