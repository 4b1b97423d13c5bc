//! The Redis keys of contract §3.11 that more than one use case touches: the feeds' first
//! pages. One place, so a writer that invalidates and a reader that fills agree on the names.

use ciel_domain::UserId;

/// `feed:home:{userId}`: the user's cached first home-feed page.
pub fn home_feed(user: UserId) -> String {
    format!("feed:home:{user}")
}

/// `feed:stories:{userId}:`: the prefix of every limit variant of the user's cached first
/// stories-feed page (drop them all with `Cache::delete_prefix`).
pub fn stories_feed_prefix(user: UserId) -> String {
    format!("feed:stories:{user}:")
}

/// `feed:stories:{userId}:{limit}`: the user's cached first stories-feed page of `limit` items.
pub fn stories_feed(user: UserId, limit: u16) -> String {
    format!("{}{limit}", stories_feed_prefix(user))
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
    }
}
