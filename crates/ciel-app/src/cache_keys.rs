//! Redis key names shared with other Ciel implementations (contract §3.11). Every cache key of
//! the social core is built here, nowhere else.

use ciel_domain::UserId;

/// The home feed's cached first page: `feed:home:{user}`.
pub fn home_feed(user: UserId) -> String {
    format!("feed:home:{user}")
}

/// The prefix of every cached stories-feed page of `user` (all limit variants):
/// `feed:stories:{user}:`.
pub fn stories_feed_prefix(user: UserId) -> String {
    format!("feed:stories:{user}:")
}

/// The stories feed's cached first page for one page size: `feed:stories:{user}:{limit}`.
pub fn stories_feed(user: UserId, limit: u16) -> String {
    format!("feed:stories:{user}:{limit}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn keys_match_the_contract() {
        let u = UserId::from(Uuid::parse_str("550e8400-e29b-41d4-a716-446655440000").unwrap());
        assert_eq!(
            home_feed(u),
            "feed:home:550e8400-e29b-41d4-a716-446655440000"
        );
        assert_eq!(
            stories_feed(u, 30),
            "feed:stories:550e8400-e29b-41d4-a716-446655440000:30"
        );
        assert!(stories_feed(u, 30).starts_with(&stories_feed_prefix(u)));
    }
}
