//! The in-process `CardStore`: feed post cards bounded by their total bytes, each kept for a
//! fixed time to live.
//!
//! A feed miss looks up every post of its page here (about 30 lookups), so the store is
//! `quick_cache`: a sharded hash table with a CLOCK-style eviction and no background queues —
//! a lookup is a read lock and a hash probe, where the previous moka store also queued every read
//! for its eviction policy (about a tenth of the API's CPU on feed misses). It has no TTL of its
//! own: each card carries the instant it was stored, and a lookup past the TTL answers nothing
//! (the stale card stays until evicted or replaced; the byte bound holds either way).

use ciel_domain::PostId;
use ciel_domain::ports::CardStore;
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A stored card and when it was stored.
#[derive(Clone)]
struct Entry {
    stored: Instant,
    card: Arc<[u8]>,
}

/// A card weighs its bytes (at least 1: a weight of 0 would never be evicted).
#[derive(Clone)]
struct CardBytes;

impl Weighter<PostId, Entry> for CardBytes {
    fn weight(&self, _: &PostId, entry: &Entry) -> u64 {
        u64::try_from(entry.card.len()).unwrap_or(u64::MAX).max(1)
    }
}

/// The size of a typical card, to size the table: a guess, not a bound.
const TYPICAL_CARD_BYTES: u64 = 512;

/// Cards held at most `ttl`, at most `max_bytes` in all (the least used go first).
pub struct MemoryCardStore {
    cards: Cache<PostId, Entry, CardBytes>,
    ttl: Duration,
}

impl MemoryCardStore {
    /// A store of at most `max_bytes` of cards, each answered for at most `ttl`.
    pub fn new(max_bytes: u64, ttl: Duration) -> Self {
        let items = usize::try_from(max_bytes / TYPICAL_CARD_BYTES)
            .unwrap_or(usize::MAX)
            .max(16);
        Self {
            cards: Cache::with_weighter(items, max_bytes, CardBytes),
            ttl,
        }
    }
}

impl CardStore for MemoryCardStore {
    fn get(&self, post: PostId) -> Option<Arc<[u8]>> {
        let entry = self.cards.get(&post)?;
        (entry.stored.elapsed() < self.ttl).then_some(entry.card)
    }

    fn insert(&self, post: PostId, card: Arc<[u8]>) {
        let stored = Instant::now();
        self.cards.insert(post, Entry { stored, card });
    }

    fn remove(&self, post: PostId) {
        self.cards.remove(&post);
    }

    fn clear(&self) {
        self.cards.clear();
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
        assert!(
            store.cards.weight() <= 10_000,
            "{} bytes held",
            store.cards.weight()
        );
        assert!(
            store.cards.len() > 10,
            "the bound left too little: {}",
            store.cards.len()
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
