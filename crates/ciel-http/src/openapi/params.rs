//! Query parameters as the document describes them. The extractors parse the raw query string
//! themselves (so that every failure is the contract's 400); these types only describe it.

use utoipa::IntoParams;

/// `?limit=&cursor=` of every paginated list (contract §1.5).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1–200, default 30; anything else is 400 `limit must be between 1 and 200`.
    #[param(nullable = false, minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page (opaque; a malformed one is 400 `invalid cursor`).
    #[param(nullable = false)]
    pub cursor: Option<String>,
}

/// `?q=&limit=&cursor=` of the searches (contract §2.10).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// The search term: 2–100 bytes after trimming, matched literally.
    #[param(min_length = 2, max_length = 100)]
    pub q: String,
    /// Page size, 1–200, default 30.
    #[param(nullable = false, minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    #[param(nullable = false)]
    pub cursor: Option<String>,
}
