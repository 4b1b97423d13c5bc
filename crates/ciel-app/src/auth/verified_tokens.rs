//! Access tokens this process has already verified, kept briefly so that a client's next
//! requests skip the PASETO decryption and claims parsing: a bounded, sharded, in-process map
//! from the token string to its user, each entry living [`TOKEN_TTL`] but never past the
//! token's own expiry. Only successful verifications are stored, so a hit answers exactly what
//! a fresh verification would (access tokens are stateless: nothing revokes one before it
//! expires; a banned or deleted user is refused by the `UserGate` check that follows).
//!
//! # Example
//!
//! ```
//! use chrono::{Duration, Utc};
//! use ciel_app::auth::verified_tokens::VerifiedTokens;
//! use ciel_domain::UserId;
//!
//! let verified = VerifiedTokens::new(1024);
//! let (ann, now) = (UserId::generate(), Utc::now());
//! verified.insert("v4.local.ann", ann, now + Duration::minutes(15), now);
//! assert_eq!(verified.get("v4.local.ann"), Some(ann));
//! assert_eq!(verified.get("v4.local.other"), None);
//! // A token already past its expiry is not kept.
//! verified.insert("v4.local.old", ann, now - Duration::seconds(1), now);
//! assert_eq!(verified.get("v4.local.old"), None);
//! assert_eq!(verified.len(), 1);
//! ```

use ciel_domain::UserId;
use ciel_domain::time::Timestamp;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;
use tokio::time::Instant;

/// How long a verified token is remembered at most.
pub const TOKEN_TTL: Duration = Duration::from_secs(60);
/// How many tokens are remembered at most, by default.
pub const DEFAULT_MAX_TOKENS: usize = 16_384;
const SHARDS: usize = 16;

/// One shard: token → (its user, when the entry stops being trusted).
type Shard = Mutex<HashMap<Box<str>, (UserId, Instant)>>;

/// The cache (see the module docs).
pub struct VerifiedTokens {
    shards: Box<[Shard]>,
    per_shard: usize,
}

impl std::fmt::Debug for VerifiedTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifiedTokens").finish_non_exhaustive()
    }
}

impl VerifiedTokens {
    /// A cache of at most about `max_tokens` tokens (0 keeps nothing).
    pub fn new(max_tokens: usize) -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            per_shard: max_tokens.div_ceil(SHARDS),
        }
    }

    fn shard(&self, token: &str) -> MutexGuard<'_, HashMap<Box<str>, (UserId, Instant)>> {
        // The token's last bytes are its MAC: uniformly spread, and free to read.
        let index = token.as_bytes().last().map_or(0, |b| *b as usize) % SHARDS;
        self.shards[index].lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The user of `token` if it was verified and is still remembered.
    pub fn get(&self, token: &str) -> Option<UserId> {
        let mut shard = self.shard(token);
        let (user, until) = *shard.get(token)?;
        if Instant::now() < until {
            Some(user)
        } else {
            shard.remove(token);
            None
        }
    }

    /// Remembers that `token` is a valid access token of `user` until `expires_at` (wall
    /// clock `now`), for [`TOKEN_TTL`] at most.
    pub fn insert(&self, token: &str, user: UserId, expires_at: Timestamp, now: Timestamp) {
        if self.per_shard == 0 {
            return;
        }
        let left = (expires_at - now).to_std().unwrap_or(Duration::ZERO);
        let keep = left.min(TOKEN_TTL);
        if keep.is_zero() {
            return;
        }
        let at = Instant::now();
        let mut shard = self.shard(token);
        if shard.len() >= self.per_shard && !shard.contains_key(token) {
            // Full: drop the expired entries, and while more than 7/8 of the room is still
            // live, arbitrary ones (a verification is only a shortcut). Each sweep frees an
            // eighth, so a shard full of live tokens is swept once per eighth of its size, not
            // on every insert.
            shard.retain(|_, (_, until)| at < *until);
            let keep = self.per_shard - self.per_shard.div_ceil(8);
            if shard.len() > keep {
                let excess = shard.len() - keep;
                let victims: Vec<Box<str>> = shard.keys().take(excess).cloned().collect();
                for victim in victims {
                    shard.remove(&victim);
                }
            }
        }
        shard.insert(token.into(), (user, at + keep));
    }

    /// Tokens currently held (live or not yet dropped).
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|e| e.into_inner()).len())
            .sum()
    }

    /// Whether no token is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn user(n: u128) -> UserId {
        UserId::from(uuid::Uuid::from_u128(n))
    }

    #[tokio::test(start_paused = true)]
    async fn a_token_is_remembered_for_the_ttl_at_most() {
        let cache = VerifiedTokens::new(100);
        let now = Utc::now();
        cache.insert("v4.local.a", user(1), now + chrono::Duration::hours(1), now);
        assert_eq!(cache.get("v4.local.a"), Some(user(1)));
        assert_eq!(cache.get("v4.local.b"), None);
        tokio::time::advance(TOKEN_TTL - Duration::from_millis(1)).await;
        assert_eq!(cache.get("v4.local.a"), Some(user(1)));
        tokio::time::advance(Duration::from_millis(1)).await;
        assert_eq!(cache.get("v4.local.a"), None, "forgotten at the ttl");
        assert!(cache.is_empty(), "an expired entry is dropped when read");
    }

    #[tokio::test(start_paused = true)]
    async fn never_past_the_tokens_own_expiry() {
        let cache = VerifiedTokens::new(100);
        let now = Utc::now();
        cache.insert(
            "v4.local.a",
            user(1),
            now + chrono::Duration::seconds(2),
            now,
        );
        tokio::time::advance(Duration::from_millis(1_999)).await;
        assert_eq!(cache.get("v4.local.a"), Some(user(1)));
        tokio::time::advance(Duration::from_millis(1)).await;
        assert_eq!(cache.get("v4.local.a"), None, "expired with the token");
        cache.insert(
            "v4.local.b",
            user(2),
            now - chrono::Duration::seconds(1),
            now,
        );
        assert_eq!(
            cache.get("v4.local.b"),
            None,
            "an expired token is not stored"
        );
        assert!(cache.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_shard_frees_an_eighth_at_once_and_then_takes_tokens_without_evicting() {
        // 16 shards of 16; every token below ends in 'x', so all land in one shard.
        let cache = VerifiedTokens::new(256);
        let now = Utc::now();
        let later = now + chrono::Duration::hours(1);
        let token = |n: u128| format!("v4.local.t{n}x");
        for n in 0..16 {
            cache.insert(&token(n), user(n), later, now);
        }
        assert_eq!(cache.len(), 16);
        cache.insert(&token(16), user(16), later, now);
        assert_eq!(cache.len(), 15, "two dropped (an eighth), one added");
        assert_eq!(cache.get(&token(16)), Some(user(16)));
        let held: Vec<u128> = (0..=16)
            .filter(|n| cache.get(&token(*n)).is_some())
            .collect();
        cache.insert(&token(17), user(17), later, now);
        assert_eq!(cache.len(), 16, "room was left: nothing evicted");
        assert!(held.iter().all(|n| cache.get(&token(*n)).is_some()));
    }

    #[tokio::test(start_paused = true)]
    async fn the_size_is_bounded() {
        let cache = VerifiedTokens::new(64);
        let now = Utc::now();
        for n in 0..2_000u128 {
            let token = format!("v4.local.token-{n}");
            cache.insert(&token, user(n), now + chrono::Duration::hours(1), now);
            assert!(cache.len() <= 64, "{} held", cache.len());
            assert_eq!(cache.get(&token), Some(user(n)), "the newest is kept");
        }
        let off = VerifiedTokens::new(0);
        off.insert("v4.local.a", user(1), now + chrono::Duration::hours(1), now);
        assert!(off.is_empty());
    }
}
