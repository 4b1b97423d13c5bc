//! Profiles, account deletion and trust scores (contract §2.4, §2.12, §3.8).
//!
//! # Example
//!
//! ```
//! # use ciel_app::{AvatarUrls, CoreDeps, MediaUrls, SystemClock};
//! # use ciel_domain::ports::{RepoError, TxAbort, TxWork, UnitOfWork};
//! # use std::sync::Arc;
//! # /// A unit of work whose pool never has a connection to lend (see `ciel_app::tx`).
//! # struct Busy;
//! # #[async_trait::async_trait]
//! # impl UnitOfWork for Busy {
//! #     async fn transaction(&self, _: TxWork) -> Result<(), TxAbort> {
//! #         Err(RepoError::Busy("pool timed out".into()).into())
//! #     }
//! #     async fn connection(&self, _: TxWork) -> Result<(), TxAbort> {
//! #         Err(RepoError::Busy("pool timed out".into()).into())
//! #     }
//! # }
//! # fn deps() -> CoreDeps {
//! #     CoreDeps {
//! #         uow: Arc::new(Busy),
//! #         cache: None,
//! #         store: None,
//! #         avatars: AvatarUrls::new(None, None),
//! #         media_urls: MediaUrls::new(None),
//! #         clock: Arc::new(SystemClock),
//! #         cards: ciel_app::feed::PostCards::disabled(),
//! #     }
//! # }
//! # let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! use ciel_app::{AccountService, AppError};
//! use ciel_domain::ports::{AccountRepo, TrustRepo};
//! use ciel_domain::time::Timestamp;
//! use ciel_domain::trust::TrustRecord;
//! use ciel_domain::users::{Credentials, ProfilePatch, User, UserCounts};
//! use ciel_domain::UserId;
//!
//! /// An account store whose pool is exhausted.
//! struct Down;
//! #[async_trait::async_trait]
//! impl AccountRepo for Down {
//!     async fn credentials(&self, _: &str) -> Result<Option<Credentials>, RepoError> { Err(RepoError::Busy("pool".into())) }
//!     async fn find(&self, _: UserId) -> Result<Option<User>, RepoError> { Err(RepoError::Busy("pool".into())) }
//!     async fn is_active(&self, _: UserId, _: Timestamp) -> Result<bool, RepoError> { Err(RepoError::Busy("pool".into())) }
//!     async fn counts(&self, _: UserId) -> Result<UserCounts, RepoError> { Err(RepoError::Busy("pool".into())) }
//!     async fn update_profile(&self, _: UserId, _: &ProfilePatch) -> Result<Option<User>, RepoError> { Err(RepoError::Busy("pool".into())) }
//!     async fn delete_account(&self, _: UserId, _: Timestamp) -> Result<bool, RepoError> { Err(RepoError::Busy("pool".into())) }
//! }
//! #[async_trait::async_trait]
//! impl TrustRepo for Down {
//!     async fn get(&self, _: UserId) -> Result<Option<TrustRecord>, RepoError> { Ok(None) }
//! }
//! let accounts = AccountService::new(Arc::new(Down), Arc::new(Down), AvatarUrls::new(None, None));
//! rt.block_on(async {
//!     let me = accounts.me(UserId::generate()).await.unwrap_err();
//!     assert!(matches!(me, AppError::Unavailable { retry_after_secs: 1, .. }), "{me:?}");
//!     // A user without a trust row has no score to show.
//!     let missing = accounts.trust_score(UserId::generate()).await.unwrap_err();
//!     assert_eq!(missing.to_string(), "trust score not found");
//! });
//! ```

use crate::avatars::AvatarUrls;
use crate::error::AppError;
use crate::feed::PostCards;
use crate::user_gate::UserGate;
use chrono::Utc;
use ciel_domain::UserId;
use ciel_domain::accounts::{Bio, DisplayName};
use ciel_domain::avatars::{AvatarRef, INVALID_AVATAR, parse_avatar};
use ciel_domain::ports::{AccountRepo, AvatarMediaRepo, TrustRepo};
use ciel_domain::trust::TrustRecord;
use ciel_domain::users::{ProfilePatch, User, UserCounts};
use std::sync::Arc;

/// A profile update as sent (absent or null fields stay unchanged).
#[derive(Clone, Debug, Default)]
pub struct ProfileUpdate {
    /// New display name.
    pub display_name: Option<String>,
    /// New bio.
    pub bio: Option<String>,
    /// New avatar key.
    pub avatar_key: Option<String>,
}

/// Account reads and changes.
#[derive(Clone)]
pub struct AccountService {
    accounts: Arc<dyn AccountRepo>,
    trust: Arc<dyn TrustRepo>,
    avatars: AvatarUrls,
    gate: UserGate,
    avatar_media: Option<Arc<dyn AvatarMediaRepo>>,
    cards: PostCards,
}

fn user_not_found() -> AppError {
    AppError::NotFound("user not found".into())
}

impl AccountService {
    /// A service over the account and trust stores, signing avatar URLs with `avatars`.
    pub fn new(
        accounts: Arc<dyn AccountRepo>,
        trust: Arc<dyn TrustRepo>,
        avatars: AvatarUrls,
    ) -> Self {
        Self {
            accounts,
            trust,
            avatars,
            gate: UserGate::disabled(),
            avatar_media: None,
            cards: PostCards::disabled(),
        }
    }

    /// Forgets the feed's post cards when a profile changes here (its name and avatar are on
    /// them).
    pub fn with_feed_cards(mut self, cards: PostCards) -> Self {
        self.cards = cards;
        self
    }

    /// Accepts processed media the caller owns as avatars (without it, no media id is valid).
    pub fn with_avatar_media(mut self, repo: Arc<dyn AvatarMediaRepo>) -> Self {
        self.avatar_media = Some(repo);
        self
    }

    /// The storage key to store for `raw` set by `caller`: their own processed media (its
    /// medium derivative, which `avatar_url` then serves) or a key under their own prefix.
    async fn avatar_key(&self, caller: UserId, raw: String) -> Result<String, AppError> {
        let invalid = || AppError::Invalid(INVALID_AVATAR.into());
        match parse_avatar(&raw, caller).map_err(|_| invalid())? {
            AvatarRef::Clear => Ok(String::new()),
            AvatarRef::Key(key) => Ok(key),
            AvatarRef::Media(id) => {
                let repo = self.avatar_media.as_ref().ok_or_else(invalid)?;
                repo.owned_medium_key(caller, id)
                    .await
                    .map_err(AppError::internal)?
                    .ok_or_else(invalid)
            }
        }
    }

    /// Forgets deleted users in `gate` at once.
    pub fn with_gate(mut self, gate: UserGate) -> Self {
        self.gate = gate;
        self
    }

    /// The user's avatar URL (presigned GET, 4 h), if they have an avatar.
    pub async fn avatar_url(&self, user: &User) -> Option<String> {
        self.avatars.url(user.avatar_key.as_deref()).await
    }

    /// The caller's own account (`GET /auth/me`).
    pub async fn me(&self, user: UserId) -> Result<User, AppError> {
        match self.accounts.find(user).await.map_err(AppError::internal)? {
            Some(u) if u.deleted_at.is_none() => Ok(u),
            _ => Err(user_not_found()),
        }
    }

    /// A public profile with real counts (`GET /users/:id`); deleted users are not found.
    pub async fn profile(&self, id: UserId) -> Result<(User, UserCounts), AppError> {
        match self
            .accounts
            .profile(id)
            .await
            .map_err(AppError::internal)?
        {
            Some((user, counts)) if user.deleted_at.is_none() => Ok((user, counts)),
            _ => Err(user_not_found()),
        }
    }

    /// `PATCH /users/:id`: only the caller's own profile (checked first), validated fields.
    pub async fn update_profile(
        &self,
        caller: UserId,
        target: UserId,
        update: ProfileUpdate,
    ) -> Result<User, AppError> {
        if caller != target {
            return Err(AppError::Forbidden("cannot update other users".into()));
        }
        let invalid = |e: ciel_domain::accounts::Invalid| AppError::Invalid(e.0);
        let patch = ProfilePatch {
            display_name: update
                .display_name
                .as_deref()
                .map(DisplayName::parse)
                .transpose()
                .map_err(invalid)?,
            bio: update
                .bio
                .as_deref()
                .map(Bio::parse)
                .transpose()
                .map_err(invalid)?,
            avatar_key: match update.avatar_key {
                Some(raw) => Some(self.avatar_key(caller, raw).await?),
                None => None,
            },
        };
        let before = self.me(caller).await?;
        let after = self
            .accounts
            .update_profile(caller, &patch)
            .await
            .map_err(AppError::internal)?
            .ok_or_else(user_not_found)?;
        if before.avatar_key != after.avatar_key {
            self.avatars.forget(before.avatar_key.as_deref()).await;
        }
        if (&before.display_name, &before.avatar_key) != (&after.display_name, &after.avatar_key) {
            self.cards.forget_all();
        }
        Ok(after)
    }

    /// `DELETE /account`: soft delete; every session ends at once.
    pub async fn delete(&self, user: UserId) -> Result<(), AppError> {
        if self
            .accounts
            .delete_account(user, Utc::now())
            .await
            .map_err(AppError::internal)?
        {
            self.gate.forget(user);
            Ok(())
        } else {
            Err(user_not_found())
        }
    }

    /// `GET /account/trust-score`: the record and whether the user is banned now.
    pub async fn trust_score(&self, user: UserId) -> Result<(TrustRecord, bool), AppError> {
        let record = self
            .trust
            .get(user)
            .await
            .map_err(AppError::internal)?
            .ok_or_else(|| AppError::NotFound("trust score not found".into()))?;
        let banned = record.is_banned(Utc::now());
        Ok((record, banned))
    }
}
