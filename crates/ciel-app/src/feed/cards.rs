//! Post cards: each post as a feed page shows it (a rendered JSON object), kept in process and
//! shared by every feed page that shows the post, so a feed miss reads only the page's keys
//! from Postgres and renders only the posts it holds no card for.
//!
//! A feed Post carries nothing that depends on the viewer (no counts, no like flag), so one
//! card serves every follower. Cards live [`CARD_TTL`] (the first page's own cache lifetime) in
//! a cache bounded by bytes. This instance forgets a card at once when it edits or deletes the
//! post, and every card when it changes a profile (the owner's name and avatar are on the
//! card); other instances see those changes within the TTL, as they do through the page cache.
//! A card rendered from a read that began before a forget is not stored (an epoch, as in
//! [`UserGate`](crate::UserGate)).
//!
//! # Example
//!
//! ```
//! use ciel_app::feed::{CARD_TTL, PostCards};
//! use ciel_cache::MemoryCardStore;
//! use ciel_domain::PostId;
//! use std::sync::Arc;
//!
//! let cards = PostCards::new(Arc::new(MemoryCardStore::new(1 << 20, CARD_TTL)));
//! let post = PostId::generate();
//! let epoch = cards.epoch();
//! cards.insert(post, epoch, Arc::from(&br#"{"id":"..."}"#[..]));
//! assert!(cards.get(post).is_some());
//!
//! // An edit forgets the card; a render that began before the edit is not stored.
//! let before = cards.epoch();
//! cards.forget(post);
//! cards.insert(post, before, Arc::from(&b"stale"[..]));
//! assert!(cards.get(post).is_none());
//! assert!(PostCards::disabled().get(post).is_none());
//! ```

use ciel_domain::PostId;
use ciel_domain::ports::CardStore;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How long a card lives: the lifetime of a cached first page (contract §3.11).
pub const CARD_TTL: Duration = super::HOME_FEED_TTL;

/// A rendered card.
pub type Card = Arc<[u8]>;

struct Inner {
    cards: Arc<dyn CardStore>,
    epoch: AtomicU64,
}

/// The epoch a read began in; pass it back when storing what it rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CardEpoch(u64);

/// The card cache; cloning shares it.
#[derive(Clone)]
pub struct PostCards {
    inner: Option<Arc<Inner>>,
}

impl std::fmt::Debug for PostCards {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostCards")
            .field("enabled", &self.inner.is_some())
            .finish_non_exhaustive()
    }
}

impl PostCards {
    /// Cards held in `cards` (bounded, each kept at most [`CARD_TTL`] by its adapter).
    pub fn new(cards: Arc<dyn CardStore>) -> Self {
        Self {
            inner: Some(Arc::new(Inner {
                cards,
                epoch: AtomicU64::new(0),
            })),
        }
    }

    /// A cache that keeps nothing: every feed page renders every post.
    pub fn disabled() -> Self {
        Self { inner: None }
    }

    /// The card of `post`, if held.
    pub fn get(&self, post: PostId) -> Option<Card> {
        self.inner.as_ref()?.cards.get(post)
    }

    /// The current epoch: take it before reading what you will render and store.
    pub fn epoch(&self) -> CardEpoch {
        CardEpoch(
            self.inner
                .as_ref()
                .map_or(0, |i| i.epoch.load(Ordering::Acquire)),
        )
    }

    /// Stores the card of `post`, rendered from a read that began in `epoch` (dropped if a
    /// forget happened since).
    pub fn insert(&self, post: PostId, epoch: CardEpoch, card: Card) {
        let Some(inner) = &self.inner else {
            return;
        };
        if inner.epoch.load(Ordering::Acquire) == epoch.0 {
            inner.cards.insert(post, card);
            // A forget that raced with this insert moved the epoch after it removed: undo.
            if inner.epoch.load(Ordering::Acquire) != epoch.0 {
                inner.cards.remove(post);
            }
        }
    }

    /// Forgets the card of `post` (edited or deleted here).
    pub fn forget(&self, post: PostId) {
        if let Some(inner) = &self.inner {
            inner.epoch.fetch_add(1, Ordering::AcqRel);
            inner.cards.remove(post);
        }
    }

    /// Forgets every card (a profile changed here: its name or avatar is on its posts' cards).
    pub fn forget_all(&self) {
        if let Some(inner) = &self.inner {
            inner.epoch.fetch_add(1, Ordering::AcqRel);
            inner.cards.clear();
        }
    }
}
