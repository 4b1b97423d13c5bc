//! Dropping cached feed pages after a graph change (contract §3.2): the home feed's first page
//! and every cached limit variant of the stories feed's first page, in one cache call. Redis is
//! only a cache: a failure is logged and the request still succeeds (pages expire within their
//! TTL anyway).

use crate::cache_keys;
use ciel_domain::UserId;
use ciel_domain::ports::Cache;

/// Drops `users`' cached home-feed and stories-feed first pages; never fails.
pub async fn invalidate_feeds(cache: Option<&dyn Cache>, users: &[UserId]) {
    let Some(cache) = cache else { return };
    if let Err(err) = cache.delete_many(&cache_keys::feed_pages(users)).await {
        tracing::warn!(error = %err, users = users.len(), "feed cache invalidation failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_trait::async_trait;
    use ciel_domain::ports::CacheError;
    use std::sync::Mutex;
    use std::time::Duration;

    /// Records what was dropped; fails every call when `down`.
    #[derive(Default)]
    struct Recorder {
        down: bool,
        batches: Mutex<Vec<Vec<String>>>,
    }

    #[async_trait]
    impl Cache for Recorder {
        async fn get(&self, _: &str) -> Result<Option<Vec<u8>>, CacheError> {
            Ok(None)
        }
        async fn set(&self, _: &str, _: &[u8], _: Duration) -> Result<(), CacheError> {
            Ok(())
        }
        async fn delete(&self, key: &str) -> Result<(), CacheError> {
            self.delete_many(&[key.to_owned()]).await
        }
        async fn delete_many(&self, keys: &[String]) -> Result<(), CacheError> {
            self.batches.lock().unwrap().push(keys.to_vec());
            if self.down {
                return Err(CacheError("down".into()));
            }
            Ok(())
        }
        async fn delete_prefix(&self, _: &str) -> Result<(), CacheError> {
            panic!("invalidation never scans by prefix");
        }
        async fn ping(&self) -> Result<(), CacheError> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn drops_both_feeds_of_every_user_in_one_call() {
        let (a, b) = (UserId::generate(), UserId::generate());
        let cache = Recorder::default();
        invalidate_feeds(Some(&cache), &[a, b]).await;
        let batches = cache.batches.lock().unwrap();
        assert_eq!(batches.len(), 1, "one round trip");
        for user in [a, b] {
            assert!(batches[0].contains(&format!("feed:home:{user}")));
            for limit in cache_keys::CACHED_STORIES_FEED_LIMITS {
                assert!(batches[0].contains(&format!("feed:stories:{user}:{limit}")));
            }
        }
    }

    #[tokio::test]
    async fn a_failing_cache_never_fails_the_caller() {
        let a = UserId::generate();
        let cache = Recorder {
            down: true,
            ..Recorder::default()
        };
        invalidate_feeds(Some(&cache), &[a]).await;
        assert_eq!(cache.batches.lock().unwrap().len(), 1);
        invalidate_feeds(None, &[a]).await;
    }
}
