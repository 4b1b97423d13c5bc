//! The Redis keys of contract §3.11 that more than one use case touches: the feeds' first
//! pages. One place, so a writer that invalidates and a reader that fills agree on the names.
//!
//! # Example
//!
//! ```
//! use ciel_app::cache_keys::{CACHED_STORIES_FEED_LIMITS, feed_pages, home_feed, stories_feed};
//! use ciel_domain::UserId;
//!
//! let user: UserId = "6f9619ff-8b86-d011-b42d-00c04fc964ff".parse().unwrap();
//! assert_eq!(home_feed(user), "feed:home:6f9619ff-8b86-d011-b42d-00c04fc964ff");
//! assert_eq!(stories_feed(user, 20), "feed:stories:6f9619ff-8b86-d011-b42d-00c04fc964ff:20");
//! // Invalidating a user's feeds names every cached key: home plus each stories page size.
//! let keys = feed_pages(&[user]);
//! assert_eq!(keys.len(), 1 + CACHED_STORIES_FEED_LIMITS.len());
//! assert!(keys.contains(&home_feed(user)));
//! ```

use ciel_domain::UserId;

/// `feed:home:{userId}`: the user's cached first home-feed page.
pub fn home_feed(user: UserId) -> String {
    format!("feed:home:{user}")
}

/// The stories-feed page sizes whose first page is cached. Other sizes are always served from
/// Postgres, so dropping "every limit variant" of a user's page is deleting these few keys by
/// name — one `DEL` batch — instead of scanning Redis for `feed:stories:{user}:*` on every
/// follow or story.
pub const CACHED_STORIES_FEED_LIMITS: [u16; 5] = [10, 20, 30, 50, 100];

/// `feed:stories:{userId}:`: the prefix of every limit variant of the user's cached first
/// stories-feed page.
pub fn stories_feed_prefix(user: UserId) -> String {
    format!("feed:stories:{user}:")
}

/// `feed:stories:{userId}:{limit}`: the user's cached first stories-feed page of `limit` items.
pub fn stories_feed(user: UserId, limit: u16) -> String {
    format!("{}{limit}", stories_feed_prefix(user))
}

/// Every cached variant of the user's stories-feed first page (see
/// [`CACHED_STORIES_FEED_LIMITS`]).
pub fn stories_feed_variants(user: UserId) -> impl Iterator<Item = String> {
    CACHED_STORIES_FEED_LIMITS
        .into_iter()
        .map(move |limit| stories_feed(user, limit))
}

/// Every cached feed page of `users`: the home feed's and each stories-feed variant.
pub fn feed_pages(users: &[UserId]) -> Vec<String> {
    users
        .iter()
        .flat_map(|&u| std::iter::once(home_feed(u)).chain(stories_feed_variants(u)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_the_contract() {
        let id = uuid::Uuid::parse_str("550e8400-e29b-41d4-a716-446655440000").unwrap();
        let user = UserId::from(id);
        assert_eq!(
            home_feed(user),
            "feed:home:550e8400-e29b-41d4-a716-446655440000"
        );
        assert_eq!(
            stories_feed(user, 30),
            "feed:stories:550e8400-e29b-41d4-a716-446655440000:30"
        );
        assert!(stories_feed(user, 7).starts_with(&stories_feed_prefix(user)));
        let pages = feed_pages(&[user]);
        assert_eq!(pages.len(), 1 + CACHED_STORIES_FEED_LIMITS.len());
        assert!(pages.contains(&home_feed(user)));
        assert!(pages.contains(&stories_feed(user, 30)));
    }
}
