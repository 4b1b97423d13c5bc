//! Password hashing with Argon2id (OWASP parameters: m = 19 MiB, t = 2, p = 1), stored as PHC
//! strings. CPU-heavy: callers run it off the async executor.

use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use argon2::{Algorithm, Argon2, Params, Version};

/// Hashing failed (never for valid input; reported rather than panicking).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct PasswordError(String);

fn argon2() -> Argon2<'static> {
    // Params::DEFAULT is OWASP's first recommendation: 19 MiB, 2 iterations, 1 lane.
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::DEFAULT)
}

/// Hashes `password` into a PHC string with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| PasswordError(e.to_string()))
}

/// Whether `password` matches the PHC string `hash` (any Argon2 variant and parameters, so
/// hashes written by other Ciel implementations verify). A malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_reject() {
        let hash = hash_password("CorrectHorse9").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("CorrectHorse9", &hash));
        assert!(!verify_password("CorrectHorse8", &hash));
        assert!(!verify_password("CorrectHorse9", "not a phc string"));
        assert!(!verify_password("CorrectHorse9", ""));
    }
}
