//! Refusals that must cost no Argon2 hash and no query: a sign-up whose invite code cannot be
//! used is refused before hashing; a login the hashing pool would refuse is refused before its
//! credentials are read.

use super::*;
use async_trait::async_trait;
use ciel_domain::invites::{Invite, NewInvite};
use ciel_domain::ports::{RepoError, TxAbort, TxWork};
use ciel_domain::time::Timestamp;
use ciel_domain::users::{Credentials, ProfilePatch, UserCounts};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Counts what the use case asks of the stores; every answer is "nothing there".
#[derive(Default)]
struct Stores {
    credential_reads: AtomicUsize,
    sign_ups: AtomicUsize,
}

fn untouched() -> RepoError {
    RepoError::Unavailable("not used by these tests".into())
}

#[async_trait]
impl AccountRepo for Stores {
    async fn credentials(&self, _: &str) -> Result<Option<Credentials>, RepoError> {
        self.credential_reads.fetch_add(1, Ordering::SeqCst);
        Ok(None)
    }
    async fn find(&self, _: UserId) -> Result<Option<User>, RepoError> {
        Err(untouched())
    }
    async fn is_active(&self, _: UserId, _: Timestamp) -> Result<bool, RepoError> {
        Err(untouched())
    }
    async fn counts(&self, _: UserId) -> Result<UserCounts, RepoError> {
        Err(untouched())
    }
    async fn update_profile(&self, _: UserId, _: &ProfilePatch) -> Result<Option<User>, RepoError> {
        Err(untouched())
    }
    async fn delete_account(&self, _: UserId, _: Timestamp) -> Result<bool, RepoError> {
        Err(untouched())
    }
}

#[async_trait]
impl RefreshTokenRepo for Stores {
    async fn insert(&self, _: &NewRefreshToken) -> Result<(), RepoError> {
        Err(untouched())
    }
    async fn revoke(&self, _: &str, _: Timestamp) -> Result<(), RepoError> {
        Err(untouched())
    }
}

#[async_trait]
impl InviteRepo for Stores {
    async fn insert(&self, _: &NewInvite) -> Result<Invite, RepoError> {
        Err(untouched())
    }
    async fn find(&self, _: &str) -> Result<Option<Invite>, RepoError> {
        Ok(None)
    }
    async fn list_by_creator(&self, _: UserId, _: i64) -> Result<Vec<Invite>, RepoError> {
        Err(untouched())
    }
    async fn revoke(&self, _: &str, _: UserId) -> Result<bool, RepoError> {
        Err(untouched())
    }
}

/// Every unit of work (a sign-up's transaction, a rotation) is counted and refused.
#[async_trait]
impl UnitOfWork for Stores {
    async fn transaction(&self, _: TxWork) -> Result<(), TxAbort> {
        self.sign_ups.fetch_add(1, Ordering::SeqCst);
        Err(TxAbort::Repo(untouched()))
    }
    async fn connection(&self, _: TxWork) -> Result<(), TxAbort> {
        Err(TxAbort::Repo(untouched()))
    }
}

/// A service whose hashing pool is saturated: its only queue place is held by the caller.
fn saturated() -> (AuthService, Arc<Stores>, crate::password_pool::Reservation) {
    let stores = Arc::new(Stores::default());
    let pool = PasswordPool::new(1, 1, Duration::from_secs(30));
    let held = pool.reserve().expect("the only place");
    let tokens = Arc::new(TokenService::new(
        &[1; 32],
        &[2; 32],
        Duration::from_secs(60),
        Duration::from_secs(600),
    ));
    let service = AuthService::new(stores.clone(), stores.clone(), tokens, pool, stores.clone())
        .with_invites(stores.clone());
    (service, stores, held)
}

#[tokio::test]
async fn a_sign_up_with_an_unusable_code_is_refused_before_hashing() {
    let (service, stores, _held) = saturated();
    let err = service
        .sign_up(SignUpRequest {
            handle: "ann".into(),
            email: "ann@example.com".into(),
            display_name: "Ann".into(),
            password: "Sup3rSecret".into(),
            invite_code: Some("NOPE1234".into()),
            ..SignUpRequest::default()
        })
        .await
        .unwrap_err();
    // Not 503: the saturated pool was never asked.
    assert!(
        matches!(&err, AppError::Invalid(m) if m == "Invalid invite code"),
        "{err:?}"
    );
    assert_eq!(stores.sign_ups.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_login_the_pool_refuses_reads_nothing() {
    let (service, stores, held) = saturated();
    let err = service
        .login("ann@example.com", "Wrong1234")
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Unavailable { .. }), "{err:?}");
    assert_eq!(stores.credential_reads.load(Ordering::SeqCst), 0);
    // With a place free, the login reads its credentials (and fails as unknown).
    drop(held);
    let err = service
        .login("ann@example.com", "Wrong1234")
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Unauthenticated(_)), "{err:?}");
    assert_eq!(stores.credential_reads.load(Ordering::SeqCst), 1);
}
