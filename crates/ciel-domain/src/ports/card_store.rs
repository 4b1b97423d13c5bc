//! The card store: rendered feed posts held in process, bounded and short-lived (the feed's
//! post cards, see `ciel_app::feed::cards`). A store may drop any card at any time; a missing
//! card is rendered again.
//!
//! # Example
//!
//! ```
//! use ciel_domain::PostId;
//! use ciel_domain::ports::CardStore;
//! use std::collections::HashMap;
//! use std::sync::{Arc, Mutex};
//!
//! #[derive(Default)]
//! struct Map(Mutex<HashMap<PostId, Arc<[u8]>>>);
//! impl CardStore for Map {
//!     fn get(&self, post: PostId) -> Option<Arc<[u8]>> { self.0.lock().unwrap().get(&post).cloned() }
//!     fn insert(&self, post: PostId, card: Arc<[u8]>) { self.0.lock().unwrap().insert(post, card); }
//!     fn remove(&self, post: PostId) { self.0.lock().unwrap().remove(&post); }
//!     fn clear(&self) { self.0.lock().unwrap().clear(); }
//! }
//!
//! let store = Map::default();
//! let post = PostId::generate();
//! store.insert(post, Arc::from(&b"{}"[..]));
//! assert!(store.get(post).is_some());
//! store.clear();
//! assert!(store.get(post).is_none());
//! ```

use crate::PostId;
use std::sync::Arc;

/// Rendered cards by post, in process.
pub trait CardStore: Send + Sync {
    /// The card of `post`, if held and fresh.
    fn get(&self, post: PostId) -> Option<Arc<[u8]>>;
    /// Holds `card` for `post` (replacing any).
    fn insert(&self, post: PostId, card: Arc<[u8]>);
    /// Drops the card of `post`.
    fn remove(&self, post: PostId);
    /// Drops every card.
    fn clear(&self);
}
