//! Searching users and posts (contract §2.10): the term is validated here (trimmed, 2–100
//! bytes) and matched literally; posts go through the one visibility predicate and only
//! public ones are found; users come with avatar URLs (counts are not computed: §1.8 allows 0).
//!
//! # Example
//!
//! ```
//! # use ciel_app::{AvatarUrls, CoreDeps, MediaUrls, SystemClock};
//! # use ciel_domain::ports::{RepoError, TxAbort, TxWork, UnitOfWork};
//! # use std::sync::Arc;
//! # /// A unit of work whose pool never has a connection to lend (see `ciel_app::tx`).
//! # struct Busy;
//! # #[async_trait::async_trait]
//! # impl UnitOfWork for Busy {
//! #     async fn transaction(&self, _: TxWork) -> Result<(), TxAbort> {
//! #         Err(RepoError::Busy("pool timed out".into()).into())
//! #     }
//! #     async fn connection(&self, _: TxWork) -> Result<(), TxAbort> {
//! #         Err(RepoError::Busy("pool timed out".into()).into())
//! #     }
//! # }
//! # fn deps() -> CoreDeps {
//! #     CoreDeps {
//! #         uow: Arc::new(Busy),
//! #         cache: None,
//! #         store: None,
//! #         avatars: AvatarUrls::new(None, None),
//! #         media_urls: MediaUrls::new(None),
//! #         clock: Arc::new(SystemClock),
//! #         cards: ciel_app::feed::PostCards::disabled(),
//! #     }
//! # }
//! # let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! use ciel_app::{AppError, SearchService};
//! use ciel_domain::pagination::{PageLimit, PageRequest};
//!
//! let search = SearchService::new(deps());
//! let page = PageRequest { limit: PageLimit::parse(None).unwrap(), after: None };
//! rt.block_on(async {
//!     // One byte is too short a term: 400, no query.
//!     let short = search.users(Some("a"), page).await.unwrap_err();
//!     assert!(matches!(short, AppError::Invalid(_)), "{short:?}");
//!     assert!(matches!(search.users(Some("ada"), page).await, Err(AppError::Unavailable { .. })));
//! });
//! ```

use crate::deps::CoreDeps;
use crate::error::AppError;
use crate::post_view::PostView;
use crate::posts::assemble::{load_in_order, with_media};
use crate::tx::read;
use ciel_domain::search::SearchTerm;
use ciel_domain::users::User;
use ciel_domain::{Cursor, Page, PageRequest, UserId};

/// A user found by search, with their avatar URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserHit {
    /// The user.
    pub user: User,
    /// Their avatar URL, when they have an avatar.
    pub avatar_url: Option<String>,
}

/// Searching users and posts (contract §2.10).
#[derive(Clone)]
pub struct SearchService {
    deps: CoreDeps,
}

fn term(q: Option<&str>) -> Result<SearchTerm, AppError> {
    SearchTerm::parse(q).map_err(|e| AppError::Invalid(e.to_string()))
}

impl SearchService {
    /// A service over the shared dependencies.
    pub fn new(deps: CoreDeps) -> Self {
        Self { deps }
    }

    /// `GET /search/users`: users (not deleted) whose handle or display name contains `q`,
    /// case-insensitively; newest accounts first.
    pub async fn users(
        &self,
        q: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<UserHit>, AppError> {
        let term = term(q)?;
        let rows = read(&*self.deps.uow, move |tx| {
            Box::pin(async move { Ok(tx.search_users(&term, page).await?) })
        })
        .await?;
        let page = Page::from_lookahead(rows, page.limit, |u| Cursor {
            ts: u.created_at,
            id: u.id.as_uuid(),
        });
        let mut items = Vec::with_capacity(page.items.len());
        for user in page.items {
            let avatar_url = self.deps.avatars.url(user.avatar_key.as_deref()).await;
            items.push(UserHit { user, avatar_url });
        }
        Ok(Page {
            items,
            next_cursor: page.next_cursor,
        })
    }

    /// `GET /search/posts`: public posts visible to `viewer` (no block either way, owner not
    /// deleted) whose caption contains `q`, case-insensitively; newest first; with their first
    /// media and the owner's avatar URL.
    pub async fn posts(
        &self,
        viewer: UserId,
        q: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<PostView>, AppError> {
        let term = term(q)?;
        let (keys, posts, media) = read(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                let keys = tx.search_post_keys(&term, viewer, page).await?;
                let mut page_keys = keys.clone();
                page_keys.truncate(usize::from(page.limit.get()));
                let (posts, media) = load_in_order(tx, &page_keys).await?;
                Ok((keys, posts, media))
            })
        })
        .await?;
        let next = Page::from_lookahead(keys, page.limit, |k| Cursor {
            ts: k.created_at,
            id: k.id.as_uuid(),
        })
        .next_cursor;
        Ok(Page {
            items: with_media(&self.deps, posts, media).await,
            next_cursor: next,
        })
    }
}
