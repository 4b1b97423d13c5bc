//! Access and refresh tokens: PASETO v4.local (contract §1.4), interoperable with other Ciel
//! implementations that share the keys. Claims: `iss = aud = "ciel"`, `sub` = user id,
//! `iat`/`nbf`/`exp` in RFC 3339, `typ` = `access` | `refresh`, and `jti` on refresh tokens.
//! No footer, no implicit assertion.
//!
//! # Example
//!
//! ```
//! use chrono::Utc;
//! use ciel_app::tokens::{TokenError, TokenService, token_hash};
//! use ciel_domain::UserId;
//! use std::time::Duration;
//!
//! let tokens = TokenService::new(&[1; 32], &[2; 32], Duration::from_secs(900), Duration::from_secs(86_400));
//! let user = UserId::generate();
//! let access = tokens.issue_access(user, Utc::now()).unwrap();
//! assert!(access.token.starts_with("v4.local."));
//! assert_eq!(tokens.verify_access(&access.token).unwrap(), user);
//! // An access token is not a refresh token, and a tampered one is refused.
//! assert!(tokens.verify_refresh(&access.token).is_err());
//! assert!(matches!(tokens.verify_access("v4.local.garbage"), Err(TokenError::Invalid)));
//! assert_eq!(token_hash("abc").len(), 64);
//! ```

use chrono::{DateTime, SecondsFormat, Utc};
use ciel_domain::UserId;
use ciel_domain::time::Timestamp;
use pasetors::claims::{Claims, ClaimsValidationRules};
use pasetors::keys::SymmetricKey;
use pasetors::token::UntrustedToken;
use pasetors::version4::V4;
use pasetors::{Local, local};
use sha2::{Digest, Sha256};
use std::time::Duration;
use uuid::Uuid;

const ISSUER: &str = "ciel";
const AUDIENCE: &str = "ciel";
/// Tolerated clock difference between instances when checking `nbf`.
const CLOCK_LEEWAY: chrono::Duration = chrono::Duration::seconds(5);

/// A token could not be issued or is not acceptable. Callers answer 401 without detail.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Decryption, claims or type check failed.
    #[error("invalid token")]
    Invalid,
    /// Encoding failed (a bug, or a clock far outside RFC 3339).
    #[error("token encoding failed: {0}")]
    Encoding(String),
}

/// A freshly issued token.
#[derive(Clone, Debug)]
pub struct IssuedToken {
    /// The token string (`v4.local.…`).
    pub token: String,
    /// When it expires.
    pub expires_at: Timestamp,
}

/// What a valid refresh token says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefreshClaims {
    /// The user.
    pub user: UserId,
    /// The `refresh_tokens` row id.
    pub jti: Uuid,
}

/// Issues and verifies both kinds of token.
pub struct TokenService {
    access_key: SymmetricKey<V4>,
    refresh_key: SymmetricKey<V4>,
    access_ttl: chrono::Duration,
    refresh_ttl: chrono::Duration,
}

impl std::fmt::Debug for TokenService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenService").finish_non_exhaustive()
    }
}

fn rfc3339(ts: &DateTime<Utc>) -> String {
    ts.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn ttl(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// SHA-256 hex of a whole token string (how refresh tokens are stored).
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl TokenService {
    /// A service with the two 32-byte keys and lifetimes.
    pub fn new(
        access_key: &[u8; 32],
        refresh_key: &[u8; 32],
        access_ttl: Duration,
        refresh_ttl: Duration,
    ) -> Self {
        // 32 bytes is exactly what v4.local takes, so these cannot fail.
        let key = |k: &[u8; 32]| SymmetricKey::<V4>::from(k).expect("32-byte key");
        Self {
            access_key: key(access_key),
            refresh_key: key(refresh_key),
            access_ttl: ttl(access_ttl),
            refresh_ttl: ttl(refresh_ttl),
        }
    }

    fn issue(
        key: &SymmetricKey<V4>,
        user: UserId,
        typ: &str,
        jti: Option<Uuid>,
        now: Timestamp,
        ttl: chrono::Duration,
    ) -> Result<IssuedToken, TokenError> {
        let enc = |e: pasetors::errors::Error| TokenError::Encoding(e.to_string());
        // Whole seconds: what every implementation writes, and what `expires_at` reports.
        let now = DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now);
        let expires_at = now + ttl;
        let mut claims = Claims::new().map_err(enc)?;
        claims.issuer(ISSUER).map_err(enc)?;
        claims.audience(AUDIENCE).map_err(enc)?;
        claims.subject(&user.to_string()).map_err(enc)?;
        claims.issued_at(&rfc3339(&now)).map_err(enc)?;
        claims.not_before(&rfc3339(&now)).map_err(enc)?;
        claims.expiration(&rfc3339(&expires_at)).map_err(enc)?;
        claims.add_additional("typ", typ).map_err(enc)?;
        if let Some(jti) = jti {
            claims.token_identifier(&jti.to_string()).map_err(enc)?;
        }
        let token = local::encrypt(key, &claims, None, None).map_err(enc)?;
        Ok(IssuedToken { token, expires_at })
    }

    /// An access token for `user`, valid for the access lifetime from `now`.
    pub fn issue_access(&self, user: UserId, now: Timestamp) -> Result<IssuedToken, TokenError> {
        Self::issue(&self.access_key, user, "access", None, now, self.access_ttl)
    }

    /// A refresh token for `user` with id `jti`, valid for the refresh lifetime from `now`.
    pub fn issue_refresh(
        &self,
        user: UserId,
        jti: Uuid,
        now: Timestamp,
    ) -> Result<IssuedToken, TokenError> {
        Self::issue(
            &self.refresh_key,
            user,
            "refresh",
            Some(jti),
            now,
            self.refresh_ttl,
        )
    }

    fn verify(key: &SymmetricKey<V4>, token: &str, typ: &str) -> Result<Claims, TokenError> {
        let untrusted =
            UntrustedToken::<Local, V4>::try_from(token).map_err(|_| TokenError::Invalid)?;
        let mut rules = ClaimsValidationRules::new();
        rules.validate_issuer_with(ISSUER);
        rules.validate_audience_with(AUDIENCE);
        // nbf is checked below with a small leeway for clock skew between instances; exp is
        // checked by the rules.
        rules.disable_valid_at();
        let trusted =
            local::decrypt(key, &untrusted, &rules, None, None).map_err(|_| TokenError::Invalid)?;
        let claims = trusted.payload_claims().ok_or(TokenError::Invalid)?.clone();
        if claims.get_claim("typ").and_then(|v| v.as_str()) != Some(typ) {
            return Err(TokenError::Invalid);
        }
        let nbf = claims
            .get_claim("nbf")
            .and_then(|v| v.as_str())
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .ok_or(TokenError::Invalid)?;
        if nbf.with_timezone(&Utc) > Utc::now() + CLOCK_LEEWAY {
            return Err(TokenError::Invalid);
        }
        Ok(claims)
    }

    fn subject(claims: &Claims) -> Result<UserId, TokenError> {
        claims
            .get_claim("sub")
            .and_then(|v| v.as_str())
            .and_then(|s| s.parse().ok())
            .ok_or(TokenError::Invalid)
    }

    /// The user of a valid, unexpired access token.
    pub fn verify_access(&self, token: &str) -> Result<UserId, TokenError> {
        self.verify_access_until(token).map(|(user, _)| user)
    }

    /// The user of a valid, unexpired access token, and when the token expires.
    pub fn verify_access_until(&self, token: &str) -> Result<(UserId, Timestamp), TokenError> {
        let claims = Self::verify(&self.access_key, token, "access")?;
        let exp = claims
            .get_claim("exp")
            .and_then(|v| v.as_str())
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .ok_or(TokenError::Invalid)?;
        Ok((Self::subject(&claims)?, exp.with_timezone(&Utc)))
    }

    /// The user and `jti` of a valid, unexpired refresh token.
    pub fn verify_refresh(&self, token: &str) -> Result<RefreshClaims, TokenError> {
        let claims = Self::verify(&self.refresh_key, token, "refresh")?;
        let jti = claims
            .get_claim("jti")
            .and_then(|v| v.as_str())
            .and_then(|s| Uuid::parse_str(s).ok())
            .ok_or(TokenError::Invalid)?;
        Ok(RefreshClaims {
            user: Self::subject(&claims)?,
            jti,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service() -> TokenService {
        TokenService::new(
            &[7u8; 32],
            &[9u8; 32],
            Duration::from_secs(900),
            Duration::from_secs(30 * 86_400),
        )
    }

    #[test]
    fn access_tokens_round_trip_with_the_contract_claims() {
        let svc = service();
        let user = UserId::generate();
        let now = Utc::now();
        let issued = svc.issue_access(user, now).unwrap();
        assert!(issued.token.starts_with("v4.local."));
        assert_eq!(issued.expires_at.timestamp(), now.timestamp() + 900);
        assert_eq!(svc.verify_access(&issued.token).unwrap(), user);
        assert_eq!(
            svc.verify_access_until(&issued.token).unwrap(),
            (user, issued.expires_at)
        );

        // Read the claims back with the raw library, as another implementation would.
        let untrusted = UntrustedToken::<Local, V4>::try_from(issued.token.as_str()).unwrap();
        let trusted = local::decrypt(
            &SymmetricKey::<V4>::from(&[7u8; 32]).unwrap(),
            &untrusted,
            &ClaimsValidationRules::new(),
            None,
            None,
        )
        .unwrap();
        let claims = trusted.payload_claims().unwrap();
        for (claim, value) in [("iss", "ciel"), ("aud", "ciel"), ("typ", "access")] {
            assert_eq!(claims.get_claim(claim).unwrap().as_str(), Some(value));
        }
        assert_eq!(
            claims.get_claim("sub").unwrap().as_str(),
            Some(user.to_string().as_str())
        );
        assert!(claims.get_claim("jti").is_none());
        assert!(trusted.footer().is_empty());
    }

    #[test]
    fn refresh_tokens_carry_their_jti() {
        let svc = service();
        let (user, jti) = (UserId::generate(), Uuid::new_v4());
        let issued = svc.issue_refresh(user, jti, Utc::now()).unwrap();
        assert_eq!(
            svc.verify_refresh(&issued.token).unwrap(),
            RefreshClaims { user, jti }
        );
    }

    #[test]
    fn wrong_type_key_tampering_and_expiry_are_rejected() {
        let svc = service();
        let user = UserId::generate();
        let access = svc.issue_access(user, Utc::now()).unwrap().token;
        let refresh = svc
            .issue_refresh(user, Uuid::new_v4(), Utc::now())
            .unwrap()
            .token;
        assert!(
            svc.verify_access(&refresh).is_err(),
            "refresh token used as access"
        );
        assert!(
            svc.verify_refresh(&access).is_err(),
            "access token used as refresh"
        );

        // Same typ, but encrypted with the other key.
        let other = TokenService::new(
            &[9u8; 32],
            &[7u8; 32],
            Duration::from_secs(60),
            Duration::from_secs(60),
        );
        let wrong_key = other.issue_access(user, Utc::now()).unwrap().token;
        assert!(svc.verify_access(&wrong_key).is_err());

        let mut tampered = access.clone().into_bytes();
        let i = tampered.len() - 10;
        tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
        assert!(
            svc.verify_access(std::str::from_utf8(&tampered).unwrap())
                .is_err()
        );
        assert!(svc.verify_access("v4.local.garbage").is_err());
        assert!(svc.verify_access("").is_err());

        let expired = svc
            .issue_access(user, Utc::now() - chrono::Duration::minutes(16))
            .unwrap();
        assert!(svc.verify_access(&expired.token).is_err());
        let future = svc
            .issue_access(user, Utc::now() + chrono::Duration::minutes(5))
            .unwrap();
        assert!(
            svc.verify_access(&future.token).is_err(),
            "nbf in the future"
        );
    }

    #[test]
    fn token_hash_is_sha256_hex() {
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
