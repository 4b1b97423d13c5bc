//! The in-process `CardStore` (moka): feed post cards bounded by their total bytes, each kept
//! for a fixed time to live.

use ciel_domain::PostId;
use ciel_domain::ports::CardStore;
use std::sync::Arc;
use std::time::Duration;

/// Cards held at most `ttl`, at most about `max_bytes` in all (least recently used go first).
pub struct MemoryCardStore {
    cards: moka::sync::Cache<PostId, Arc<[u8]>>,
}

impl MemoryCardStore {
    /// A store of at most about `max_bytes` of cards, each kept at most `ttl`.
    pub fn new(max_bytes: u64, ttl: Duration) -> Self {
        Self {
            cards: moka::sync::Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|_: &PostId, card: &Arc<[u8]>| {
                    u32::try_from(card.len()).unwrap_or(u32::MAX)
                })
                .time_to_live(ttl)
                .build(),
        }
    }
}

impl CardStore for MemoryCardStore {
    fn get(&self, post: PostId) -> Option<Arc<[u8]>> {
        self.cards.get(&post)
    }

    fn insert(&self, post: PostId, card: Arc<[u8]>) {
        self.cards.insert(post, card);
    }

    fn remove(&self, post: PostId) {
        self.cards.invalidate(&post);
    }

    fn clear(&self) {
        self.cards.invalidate_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_removes_and_clears_cards() {
        let store = MemoryCardStore::new(1 << 20, Duration::from_secs(30));
        let (a, b) = (PostId::generate(), PostId::generate());
        store.insert(a, Arc::from(&b"a"[..]));
        store.insert(b, Arc::from(&b"b"[..]));
        assert_eq!(store.get(a).as_deref(), Some(&b"a"[..]));
        store.remove(a);
        assert!(store.get(a).is_none());
        assert!(store.get(b).is_some());
        store.clear();
        assert!(store.get(b).is_none());
    }

    #[test]
    fn the_byte_bound_holds() {
        let store = MemoryCardStore::new(10_000, Duration::from_secs(30));
        for _ in 0..1_000 {
            store.insert(PostId::generate(), Arc::from(vec![b'x'; 100]));
        }
        store.cards.run_pending_tasks();
        assert!(
            store.cards.weighted_size() <= 10_000,
            "{}",
            store.cards.weighted_size()
        );
    }

    #[test]
    fn cards_expire() {
        let store = MemoryCardStore::new(1 << 20, Duration::from_millis(1));
        let post = PostId::generate();
        let inserted = std::time::Instant::now();
        store.insert(post, Arc::from(&b"a"[..]));
        // Polls until the card is gone; it must go within a bound far above its TTL.
        while store.get(post).is_some() {
            assert!(
                inserted.elapsed() < Duration::from_secs(2),
                "the card outlived its TTL"
            );
            std::hint::spin_loop();
        }
        assert!(inserted.elapsed() >= Duration::from_millis(1));
    }
}
