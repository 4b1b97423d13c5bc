//! Invite use cases (contract §2.3, §3.6).
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
//! use ciel_app::{AppError, InviteService};
//! use ciel_domain::invites::{Invite, NewInvite};
//! use ciel_domain::ports::{InviteRepo, TrustRepo};
//! use ciel_domain::trust::TrustRecord;
//! use ciel_domain::UserId;
//!
//! /// No code exists.
//! struct NoCodes;
//! #[async_trait::async_trait]
//! impl InviteRepo for NoCodes {
//!     async fn insert(&self, _: &NewInvite) -> Result<Invite, RepoError> {
//!         Err(RepoError::Busy("pool timed out".into()))
//!     }
//!     async fn find(&self, _: &str) -> Result<Option<Invite>, RepoError> {
//!         Ok(None)
//!     }
//!     async fn list_by_creator(&self, _: UserId, _: i64) -> Result<Vec<Invite>, RepoError> {
//!         Ok(Vec::new())
//!     }
//!     async fn revoke(&self, _: &str, _: UserId) -> Result<bool, RepoError> {
//!         Ok(false)
//!     }
//! }
//! struct NoTrust;
//! #[async_trait::async_trait]
//! impl TrustRepo for NoTrust {
//!     async fn get(&self, _: UserId) -> Result<Option<TrustRecord>, RepoError> {
//!         Ok(None)
//!     }
//! }
//! let invites = InviteService::new(Arc::new(NoCodes), Arc::new(NoTrust), Arc::new(Busy));
//! rt.block_on(async {
//!     assert!(!invites.validate("ABCDEFGHJKMN").await.unwrap(), "unknown code");
//!     // Admin codes live 1 to 365 days.
//!     let zero = invites.create_admin_invite(Some(0)).await.unwrap_err();
//!     assert!(matches!(zero, AppError::Invalid(_)), "{zero:?}");
//! });
//! ```

use crate::error::AppError;
use crate::tx::transact;
use chrono::Utc;
use ciel_domain::UserId;
use ciel_domain::invites::{
    Invite, InviteType, MAX_ADMIN_DAYS_VALID, MAX_USER_DAYS_VALID, NewInvite,
    invite_code_from_entropy, validate_days_valid,
};
use ciel_domain::ports::{InviteRepo, RepoError, TrustRepo, UnitOfWork};
use ciel_domain::time::Timestamp;
use ciel_domain::trust::{TrustLevel, invite_quota};
use rand::RngCore;
use std::sync::Arc;

/// Collisions tolerated before giving up (contract §3.6).
const CODE_ATTEMPTS: usize = 10;

/// Most codes `GET /invites` lists.
const LIST_LIMIT: i64 = 50;

/// A user's invite counters (`GET /invites/stats`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InviteStats {
    /// Codes created (lifetime; revoking does not give one back).
    pub invites_sent: i32,
    /// Sign-ups through the user's codes.
    pub successful_invites: i32,
    /// `max(0, max_invites - invites_sent)`.
    pub remaining_invites: i32,
    /// The quota of the user's level.
    pub max_invites: i32,
}

/// Creates and manages invite codes.
#[derive(Clone)]
pub struct InviteService {
    repo: Arc<dyn InviteRepo>,
    trust: Arc<dyn TrustRepo>,
    uow: Arc<dyn UnitOfWork>,
}

/// A fresh code from a cryptographically secure generator.
fn fresh_code() -> String {
    loop {
        let mut entropy = [0u8; 32];
        // ThreadRng is a CSPRNG (ChaCha12) reseeded from the operating system.
        rand::rng().fill_bytes(&mut entropy);
        if let Some(code) = invite_code_from_entropy(&entropy) {
            return code;
        }
    }
}

impl InviteService {
    /// A service over the invite and trust stores, creating users' codes (under their quota)
    /// in transactions of `uow`.
    pub fn new(
        repo: Arc<dyn InviteRepo>,
        trust: Arc<dyn TrustRepo>,
        uow: Arc<dyn UnitOfWork>,
    ) -> Self {
        Self { repo, trust, uow }
    }

    /// `GET /invites/validate/:code`: true iff the code exists and can be used now.
    pub async fn validate(&self, code: &str) -> Result<bool, AppError> {
        Ok(self
            .repo
            .find(code)
            .await
            .map_err(AppError::internal)?
            .is_some_and(|i| i.is_usable(Utc::now())))
    }

    /// `POST /invites`: a standard code, valid 1–30 days (default 7), within the creator's
    /// lifetime quota.
    pub async fn create_user_invite(
        &self,
        creator: UserId,
        days_valid: Option<i64>,
    ) -> Result<Invite, AppError> {
        let days =
            validate_days_valid(days_valid, MAX_USER_DAYS_VALID).map_err(AppError::Invalid)?;
        let now = Utc::now();
        let expires_at = now + chrono::Duration::days(days);
        insert_user_invite(&*self.uow, creator, expires_at, now, fresh_code).await
    }

    /// `GET /invites`: the caller's codes, newest first, at most 50.
    pub async fn list_mine(&self, creator: UserId) -> Result<Vec<Invite>, AppError> {
        self.repo
            .list_by_creator(creator, LIST_LIMIT)
            .await
            .map_err(AppError::internal)
    }

    /// `GET /invites/stats`.
    pub async fn stats(&self, user: UserId) -> Result<InviteStats, AppError> {
        let record = self.trust.get(user).await.map_err(AppError::internal)?;
        let (level, sent, successful) = record
            .map(|r| (r.level, r.invites_sent, r.successful_invites))
            .unwrap_or((TrustLevel::New, 0, 0));
        let max = invite_quota(level);
        Ok(InviteStats {
            invites_sent: sent,
            successful_invites: successful,
            remaining_invites: (max - sent).max(0),
            max_invites: max,
        })
    }

    /// `POST /invites/:code/revoke`: only the creator, only while valid and unused.
    pub async fn revoke(&self, creator: UserId, code: &str) -> Result<(), AppError> {
        if self
            .repo
            .revoke(code, creator)
            .await
            .map_err(AppError::internal)?
        {
            Ok(())
        } else {
            Err(AppError::NotFound(
                "invite code not found or already used".into(),
            ))
        }
    }

    /// `POST /admin/invites`: an admin code (no creator), valid `days_valid` days (1–365,
    /// default 7).
    pub async fn create_admin_invite(&self, days_valid: Option<i64>) -> Result<Invite, AppError> {
        let days =
            validate_days_valid(days_valid, MAX_ADMIN_DAYS_VALID).map_err(AppError::Invalid)?;
        self.insert_with_fresh_code(None, InviteType::Admin, days)
            .await
    }

    async fn insert_with_fresh_code(
        &self,
        created_by: Option<ciel_domain::UserId>,
        invite_type: InviteType,
        days: i64,
    ) -> Result<Invite, AppError> {
        for _ in 0..CODE_ATTEMPTS {
            let created_at = Utc::now();
            let invite = NewInvite {
                code: fresh_code(),
                created_by,
                invite_type,
                created_at,
                expires_at: created_at + chrono::Duration::days(days),
            };
            match self.repo.insert(&invite).await {
                Ok(stored) => return Ok(stored),
                Err(RepoError::Conflict(_)) => continue,
                Err(err) => return Err(AppError::internal(err)),
            }
        }
        Err(AppError::internal(
            "could not generate a unique invite code",
        ))
    }
}

/// Creates a standard code by `creator`, expiring at `expires_at`, in one transaction that
/// locks the creator's trust record (contract §3.6): refused with 403 once `invites_sent` has
/// reached the quota of their level; otherwise the first of up to 10 codes from `next_code`
/// that is free is stored and `invites_sent` rises by one (revoking never gives it back).
/// Concurrent creations by one user serialise on the lock, so they never exceed the quota.
pub async fn insert_user_invite(
    uow: &dyn UnitOfWork,
    creator: UserId,
    expires_at: Timestamp,
    now: Timestamp,
    mut next_code: impl FnMut() -> String + Send + 'static,
) -> Result<Invite, AppError> {
    transact(uow, move |tx| {
        Box::pin(async move {
            let mut record = tx.lock_trust(creator).await?;
            let limit = invite_quota(record.level);
            if record.invites_sent >= limit {
                return Err(AppError::Forbidden(format!(
                    "Maximum invite limit reached for your trust level ({limit})"
                )));
            }
            for _ in 0..CODE_ATTEMPTS {
                let invite = NewInvite {
                    code: next_code(),
                    created_by: Some(creator),
                    invite_type: InviteType::Standard,
                    created_at: now,
                    expires_at,
                };
                if let Some(stored) = tx.insert_invite_if_free(&invite).await? {
                    record.invites_sent += 1;
                    tx.store_trust(creator, &record, now).await?;
                    return Ok(stored);
                }
            }
            Err(AppError::internal(
                "could not generate a unique invite code",
            ))
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_trait::async_trait;
    use std::sync::Mutex;

    /// Rejects the first `collisions` inserts as duplicates, then stores.
    struct FlakyRepo {
        collisions: Mutex<usize>,
        stored: Mutex<Vec<NewInvite>>,
    }

    #[async_trait]
    impl InviteRepo for FlakyRepo {
        async fn insert(&self, invite: &NewInvite) -> Result<Invite, RepoError> {
            let mut left = self.collisions.lock().unwrap();
            if *left > 0 {
                *left -= 1;
                return Err(RepoError::Conflict("invite_codes_pkey".into()));
            }
            self.stored.lock().unwrap().push(invite.clone());
            Ok(Invite {
                code: invite.code.clone(),
                created_by: invite.created_by,
                used_by: None,
                created_at: invite.created_at,
                used_at: None,
                expires_at: invite.expires_at,
                is_valid: true,
                invite_type: invite.invite_type,
                use_count: 0,
                max_uses: 1,
            })
        }
        async fn find(&self, _code: &str) -> Result<Option<Invite>, RepoError> {
            Ok(None)
        }
        async fn list_by_creator(
            &self,
            _creator: ciel_domain::UserId,
            _limit: i64,
        ) -> Result<Vec<Invite>, RepoError> {
            Ok(Vec::new())
        }
        async fn revoke(
            &self,
            _code: &str,
            _creator: ciel_domain::UserId,
        ) -> Result<bool, RepoError> {
            Ok(false)
        }
    }

    /// Admin invites need neither trust records nor transactions.
    struct Unused;

    #[async_trait]
    impl TrustRepo for Unused {
        async fn get(
            &self,
            _user: UserId,
        ) -> Result<Option<ciel_domain::trust::TrustRecord>, RepoError> {
            panic!("admin invites read no trust record")
        }
    }

    #[async_trait]
    impl UnitOfWork for Unused {
        async fn transaction(
            &self,
            _work: ciel_domain::ports::TxWork,
        ) -> Result<(), ciel_domain::ports::TxAbort> {
            panic!("admin invites need no transaction")
        }
        async fn connection(
            &self,
            _work: ciel_domain::ports::TxWork,
        ) -> Result<(), ciel_domain::ports::TxAbort> {
            panic!("admin invites need no connection")
        }
    }

    fn service(collisions: usize) -> (InviteService, Arc<FlakyRepo>) {
        let repo = Arc::new(FlakyRepo {
            collisions: Mutex::new(collisions),
            stored: Mutex::new(Vec::new()),
        });
        let svc = InviteService::new(repo.clone(), Arc::new(Unused), Arc::new(Unused));
        (svc, repo)
    }

    #[tokio::test]
    async fn admin_invites_have_no_creator_and_the_requested_lifetime() {
        let (svc, repo) = service(0);
        let invite = svc.create_admin_invite(Some(30)).await.unwrap();
        assert_eq!(invite.invite_type, InviteType::Admin);
        assert!(invite.created_by.is_none());
        assert!(ciel_domain::invites::is_well_formed_code(&invite.code));
        let days = (invite.expires_at - Utc::now()).num_hours();
        assert!((30 * 24 - 1..=30 * 24).contains(&days), "{days}");
        assert_eq!(repo.stored.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn out_of_range_days_are_rejected() {
        let (svc, _) = service(0);
        let err = svc.create_admin_invite(Some(366)).await.unwrap_err();
        assert!(matches!(err, AppError::Invalid(m) if m == "days_valid must be between 1 and 365"));
    }

    #[tokio::test]
    async fn collisions_are_retried_up_to_ten_times() {
        let (svc, _) = service(9);
        assert!(svc.create_admin_invite(None).await.is_ok());
        let (svc, _) = service(10);
        assert!(matches!(
            svc.create_admin_invite(None).await,
            Err(AppError::Internal(_))
        ));
    }
}
