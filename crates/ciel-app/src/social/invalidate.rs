//! Dropping cached feed pages after a graph change (contract §3.2): the home feed's first page
//! and every limit variant of the stories feed's first page. Redis is only a cache: a failure
//! is logged and the request still succeeds (pages expire within their TTL anyway).

use crate::cache_keys;
use ciel_domain::UserId;
use ciel_domain::ports::Cache;

/// Drops `users`' cached home-feed and stories-feed first pages; never fails.
pub async fn invalidate_feeds(cache: Option<&dyn Cache>, users: &[UserId]) {
    let Some(cache) = cache else { return };
    for &user in users {
        if let Err(err) = cache.delete(&cache_keys::home_feed(user)).await {
            tracing::warn!(error = %err, %user, "home feed cache invalidation failed");
        }
        if let Err(err) = cache
            .delete_prefix(&cache_keys::stories_feed_prefix(user))
            .await
        {
            tracing::warn!(error = %err, %user, "stories feed cache invalidation failed");
        }
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
        deleted: Mutex<Vec<String>>,
        prefixes: Mutex<Vec<String>>,
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
            self.deleted.lock().unwrap().push(key.to_owned());
            if self.down {
                return Err(CacheError("down".into()));
            }
            Ok(())
        }
        async fn delete_prefix(&self, prefix: &str) -> Result<(), CacheError> {
            self.prefixes.lock().unwrap().push(prefix.to_owned());
            if self.down {
                return Err(CacheError("down".into()));
            }
            Ok(())
        }
        async fn ping(&self) -> Result<(), CacheError> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn drops_both_feeds_of_every_user() {
        let (a, b) = (UserId::generate(), UserId::generate());
        let cache = Recorder::default();
        invalidate_feeds(Some(&cache), &[a, b]).await;
        assert_eq!(
            *cache.deleted.lock().unwrap(),
            [format!("feed:home:{a}"), format!("feed:home:{b}")]
        );
        assert_eq!(
            *cache.prefixes.lock().unwrap(),
            [format!("feed:stories:{a}:"), format!("feed:stories:{b}:")]
        );
    }

    #[tokio::test]
    async fn a_failing_cache_is_tried_for_every_key_and_never_fails_the_caller() {
        let (a, b) = (UserId::generate(), UserId::generate());
        let cache = Recorder {
            down: true,
            ..Recorder::default()
        };
        invalidate_feeds(Some(&cache), &[a, b]).await;
        assert_eq!(cache.deleted.lock().unwrap().len(), 2);
        assert_eq!(cache.prefixes.lock().unwrap().len(), 2);
        invalidate_feeds(None, &[a]).await;
    }
}
