//! Sign-up, login, refresh, revoke and bearer authentication (contract §2.2, §2.4, §3.6, §3.7).
//!
//! # Example
//!
//! Sign-up validates in the contract's order before hashing or touching storage, and a bearer
//! token that does not verify is refused without a query:
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
//! use ciel_app::password_pool::PasswordPool;
//! use ciel_app::tokens::TokenService;
//! use ciel_app::{AppError, AuthService, SignUpRequest};
//! use ciel_domain::ports::{AccountRepo, NewRefreshToken, RefreshTokenRepo};
//! use ciel_domain::time::Timestamp;
//! use ciel_domain::users::{Credentials, ProfilePatch, User, UserCounts};
//! use ciel_domain::UserId;
//! use std::time::Duration;
//!
//! /// Storage that must not be reached in this example.
//! struct Unreached;
//! #[async_trait::async_trait]
//! impl AccountRepo for Unreached {
//!     async fn credentials(&self, _: &str) -> Result<Option<Credentials>, RepoError> { unreachable!() }
//!     async fn find(&self, _: UserId) -> Result<Option<User>, RepoError> { unreachable!() }
//!     async fn is_active(&self, _: UserId, _: Timestamp) -> Result<bool, RepoError> { unreachable!() }
//!     async fn counts(&self, _: UserId) -> Result<UserCounts, RepoError> { unreachable!() }
//!     async fn update_profile(&self, _: UserId, _: &ProfilePatch) -> Result<Option<User>, RepoError> { unreachable!() }
//!     async fn delete_account(&self, _: UserId, _: Timestamp) -> Result<bool, RepoError> { unreachable!() }
//! }
//! #[async_trait::async_trait]
//! impl RefreshTokenRepo for Unreached {
//!     async fn insert(&self, _: &NewRefreshToken) -> Result<(), RepoError> { unreachable!() }
//!     async fn revoke(&self, _: &str, _: Timestamp) -> Result<(), RepoError> { unreachable!() }
//! }
//! let tokens = TokenService::new(&[1; 32], &[2; 32], Duration::from_secs(900), Duration::from_secs(86_400));
//! let passwords = PasswordPool::new(1, 4, Duration::from_secs(5));
//! let auth = AuthService::new(Arc::new(Unreached), Arc::new(Unreached), Arc::new(tokens), passwords, Arc::new(Busy));
//! let request = SignUpRequest {
//!     handle: "ada".into(),
//!     email: "ada@example.com".into(),
//!     display_name: "Ada".into(),
//!     password: "short".into(),
//!     invite_code: Some("ABCDEFGHJKMN".into()),
//!     bio: None,
//!     avatar_key: None,
//! };
//! rt.block_on(async {
//!     let weak = auth.sign_up(request).await.unwrap_err();
//!     assert!(matches!(weak, AppError::Invalid(_)), "{weak:?}");
//!     let forged = auth.authenticate("v4.local.forged").await.unwrap_err();
//!     assert!(matches!(forged, AppError::Unauthenticated(_)), "{forged:?}");
//! });
//! ```

use crate::error::AppError;
use crate::password_pool::{PasswordPool, PoolError};
use crate::tokens::{IssuedToken, TokenService, token_hash};
use crate::user_gate::UserGate;
pub use bearer::Bearer;
use chrono::Utc;
use ciel_domain::UserId;
use ciel_domain::accounts::{Bio, DisplayName, Email, Handle, validate_new_password};
use ciel_domain::invites::InviteProblem;
use ciel_domain::ports::{
    AccountRepo, InviteRepo, NewRefreshToken, RefreshTokenRepo, RotateOutcome, UnitOfWork,
};
use ciel_domain::users::{NewAccount, User};
use std::sync::Arc;
use uuid::Uuid;
use verified_tokens::VerifiedTokens;

/// The message for banned accounts at login and refresh.
pub const SUSPENDED: &str = "Your account has been temporarily suspended";
const INVALID_CREDENTIALS: &str = "invalid credentials";
const INVALID_REFRESH: &str = "invalid refresh token";
const INVALID_TOKEN: &str = "invalid or expired token";

/// A new access token and a new refresh token.
#[derive(Clone, Debug)]
pub struct TokenPair {
    /// The access token.
    pub access: IssuedToken,
    /// The refresh token.
    pub refresh: IssuedToken,
}

/// What a client sends to sign up (raw; validated here in the contract's order).
#[derive(Clone, Debug, Default)]
pub struct SignUpRequest {
    /// Handle.
    pub handle: String,
    /// Email.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Password.
    pub password: String,
    /// Invite code (required).
    pub invite_code: Option<String>,
    /// Bio.
    pub bio: Option<String>,
    /// Avatar storage key or processed media id.
    pub avatar_key: Option<String>,
}

/// Accounts and sessions.
#[derive(Clone)]
pub struct AuthService {
    accounts: Arc<dyn AccountRepo>,
    refresh_tokens: Arc<dyn RefreshTokenRepo>,
    tokens: Arc<TokenService>,
    passwords: PasswordPool,
    uow: Arc<dyn UnitOfWork>,
    gate: UserGate,
    verified: Arc<VerifiedTokens>,
    invites: Option<Arc<dyn InviteRepo>>,
}

impl From<PoolError> for AppError {
    fn from(err: PoolError) -> Self {
        match err {
            PoolError::Busy { retry_after_secs } => AppError::Unavailable {
                message: "server busy, please retry".into(),
                retry_after_secs,
            },
            PoolError::Failed(cause) => AppError::Internal(cause),
        }
    }
}

fn invalid(e: ciel_domain::accounts::Invalid) -> AppError {
    AppError::Invalid(e.0)
}

impl AuthService {
    /// A service over the account and token stores, the token keys, the hashing pool, and the
    /// unit of work that sign-up and refresh rotation run their transactions in.
    pub fn new(
        accounts: Arc<dyn AccountRepo>,
        refresh_tokens: Arc<dyn RefreshTokenRepo>,
        tokens: Arc<TokenService>,
        passwords: PasswordPool,
        uow: Arc<dyn UnitOfWork>,
    ) -> Self {
        Self {
            accounts,
            refresh_tokens,
            tokens,
            passwords,
            uow,
            gate: UserGate::disabled(),
            verified: Arc::new(VerifiedTokens::new(verified_tokens::DEFAULT_MAX_TOKENS)),
            invites: None,
        }
    }

    /// Reads the invite code from `invites` before spending a hash on a sign-up: a sign-up
    /// that cannot consume its code is refused for the price of one read. (The code is still
    /// checked and consumed under a row lock when the account is created.)
    pub fn with_invites(mut self, invites: Arc<dyn InviteRepo>) -> Self {
        self.invites = Some(invites);
        self
    }

    /// The cheap pre-check of [`with_invites`](Self::with_invites).
    async fn check_invite(&self, code: &str) -> Result<(), AppError> {
        let Some(invites) = &self.invites else {
            return Ok(());
        };
        let invite = invites.find(code).await.map_err(AppError::internal)?;
        invite
            .ok_or(InviteProblem::Unknown)
            .and_then(|i| i.check_consumable(Utc::now()))
            .map_err(|problem| AppError::Invalid(problem.to_string()))
    }

    /// Answers "is this user active?" from `gate` while fresh (see [`UserGate`]).
    pub fn with_gate(mut self, gate: UserGate) -> Self {
        self.gate = gate;
        self
    }

    /// `POST /users`: validates in the contract's order (handle, email, display name, bio,
    /// password, invite code), hashes, and creates the account while consuming the invite.
    pub async fn sign_up(&self, req: SignUpRequest) -> Result<User, AppError> {
        let handle = Handle::parse(&req.handle).map_err(invalid)?;
        let email = Email::parse(&req.email).map_err(invalid)?;
        let display_name = DisplayName::parse(&req.display_name).map_err(invalid)?;
        let bio = req
            .bio
            .as_deref()
            .map(Bio::parse)
            .transpose()
            .map_err(invalid)?;
        validate_new_password(&req.password).map_err(invalid)?;
        let invite_code = req
            .invite_code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .ok_or_else(|| AppError::Invalid("invite_code is required".into()))?
            .to_owned();
        // An avatar must be the caller's own media or under the caller's own storage prefix;
        // an account being created owns neither yet, so only "no avatar" is accepted.
        if req.avatar_key.as_deref().is_some_and(|k| !k.is_empty()) {
            return Err(AppError::Invalid(
                ciel_domain::avatars::INVALID_AVATAR.into(),
            ));
        }
        self.check_invite(&invite_code).await?;
        let password_hash = self.passwords.hash(req.password).await?;
        let account = NewAccount {
            handle,
            email,
            display_name,
            bio,
            avatar_key: None,
            password_hash,
        };
        crate::signup::create_account(&*self.uow, account, invite_code, Utc::now()).await
    }

    /// `POST /auth/login` with an email (or a handle) and a password.
    pub async fn login(&self, email: &str, password: &str) -> Result<TokenPair, AppError> {
        if email.trim().is_empty() || password.trim().is_empty() {
            return Err(AppError::Invalid("email and password are required".into()));
        }
        if password.len() > 128 {
            return Err(AppError::Invalid(
                "password must be at most 128 characters".into(),
            ));
        }
        // A place in the hashing queue first: a login the pool would refuse costs no query.
        let place = self.passwords.reserve_or_pause().await?;
        let creds = self
            .accounts
            .credentials(email.trim())
            .await
            .map_err(AppError::internal)?;
        // Unknown accounts verify against a dummy hash: same time, same answer.
        let hash = creds.as_ref().map(|c| c.password_hash.clone());
        let verified = place.verify(password.to_owned(), hash).await?;
        let creds = match creds {
            Some(c) if verified && !c.deleted => c,
            _ => return Err(AppError::Unauthenticated(INVALID_CREDENTIALS.into())),
        };
        let now = Utc::now();
        if creds.banned_until.is_some_and(|until| until > now) {
            return Err(AppError::Forbidden(SUSPENDED.into()));
        }
        let (pair, row) = self.issue_pair(creds.user_id)?;
        self.refresh_tokens
            .insert(&row)
            .await
            .map_err(AppError::internal)?;
        Ok(pair)
    }

    fn issue_pair(&self, user: UserId) -> Result<(TokenPair, NewRefreshToken), AppError> {
        let now = Utc::now();
        let jti = Uuid::new_v4();
        let access = self
            .tokens
            .issue_access(user, now)
            .map_err(AppError::internal)?;
        let refresh = self
            .tokens
            .issue_refresh(user, jti, now)
            .map_err(AppError::internal)?;
        let row = NewRefreshToken {
            id: jti,
            user_id: user,
            token_hash: token_hash(&refresh.token),
            expires_at: refresh.expires_at,
        };
        Ok((TokenPair { access, refresh }, row))
    }

    /// `POST /auth/refresh`: rotates the refresh token; replaying a rotated or revoked token
    /// ends every session of its user.
    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenPair, AppError> {
        if refresh_token.trim().is_empty() {
            return Err(AppError::Invalid("refresh_token is required".into()));
        }
        let unauthorized = || AppError::Unauthenticated(INVALID_REFRESH.into());
        let claims = self
            .tokens
            .verify_refresh(refresh_token)
            .map_err(|_| unauthorized())?;
        let (pair, next) = self.issue_pair(claims.user)?;
        let hash = token_hash(refresh_token);
        let outcome =
            crate::sessions::rotate(&*self.uow, claims.jti, claims.user, hash, next, Utc::now())
                .await?;
        match outcome {
            RotateOutcome::Rotated => Ok(pair),
            RotateOutcome::Banned => Err(AppError::Forbidden(SUSPENDED.into())),
            RotateOutcome::Reused => {
                tracing::warn!(user = %claims.user, "refresh token reuse: every session revoked");
                Err(unauthorized())
            }
            RotateOutcome::NotFound | RotateOutcome::UserDeleted => Err(unauthorized()),
        }
    }

    /// `POST /auth/revoke`: always succeeds for a non-blank token.
    pub async fn revoke(&self, refresh_token: &str) -> Result<(), AppError> {
        if refresh_token.trim().is_empty() {
            return Err(AppError::Invalid("refresh_token is required".into()));
        }
        self.refresh_tokens
            .revoke(&token_hash(refresh_token), Utc::now())
            .await
            .map_err(AppError::internal)
    }

    /// The user behind an access token, if the token is valid and the user exists, is not
    /// deleted and is not banned (as known within the gate's freshness bound).
    pub async fn authenticate(&self, access_token: &str) -> Result<UserId, AppError> {
        self.identify(access_token)?.confirm().await
    }

    /// The caller behind a valid access token, refused at once when the gate knows the account
    /// is inactive; when the gate does not know, the check is left open in the [`Bearer`] for
    /// the request's own read to answer (or [`Bearer::confirm`] to ask).
    pub fn identify(&self, access_token: &str) -> Result<Bearer, AppError> {
        let unauthorized = || AppError::Unauthenticated(INVALID_TOKEN.into());
        let user = match self.verified.get(access_token) {
            Some(user) => user,
            None => {
                let (user, expires_at) = self
                    .tokens
                    .verify_access_until(access_token)
                    .map_err(|_| unauthorized())?;
                self.verified
                    .insert(access_token, user, expires_at, Utc::now());
                user
            }
        };
        match self.gate.active(user) {
            Some(true) => Ok(Bearer::confirmed(user)),
            Some(false) => Err(unauthorized()),
            None => Ok(Bearer::unchecked(
                user,
                self.gate.clone(),
                self.gate.epoch(),
                self.accounts.clone(),
            )),
        }
    }
}

mod bearer;
#[cfg(test)]
mod cheap_refusals;
pub mod verified_tokens;
