//! Password hashing with Argon2id (OWASP parameters: m = 19 MiB, t = 2, p = 1), stored as PHC
//! strings. CPU-heavy: callers run it off the async executor (see `password_pool`).
//!
//! Each thread keeps its Argon2 memory (19 MiB of blocks) and reuses it: allocating, faulting in
//! and zeroing it on every hash cost about a fifth of the time of the hash itself.
//!
//! # Example
//!
//! ```
//! use ciel_app::password::{hash_password, verify_password};
//!
//! let hash = hash_password("Engine1843").unwrap();
//! assert!(hash.starts_with("$argon2id$"));
//! assert!(verify_password("Engine1843", &hash));
//! assert!(!verify_password("engine1843", &hash));
//! assert!(!verify_password("Engine1843", "not a PHC string"));
//! ```

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::RngCore;
use std::cell::RefCell;

/// Hashing failed (never for valid input; reported rather than panicking).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct PasswordError(String);

/// Largest Argon2 memory a stored hash may ask for (256 MiB): more is refused, not allocated.
const MAX_BLOCKS: usize = 256 * 1024;

thread_local! {
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Runs Argon2 with this thread's reusable memory.
fn argon2_into(
    argon2: &Argon2<'_>,
    params: &Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    let needed = params.block_count();
    if needed > MAX_BLOCKS {
        return Err(argon2::Error::MemoryTooMuch);
    }
    BLOCKS.with_borrow_mut(|blocks| {
        if blocks.len() < needed {
            blocks.resize(needed, Block::default());
        }
        argon2.hash_password_into_with_memory(password, salt, out, &mut blocks[..needed])
    })
}

/// Hashes `password` into a PHC string with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    let err = |e: &dyn std::fmt::Display| PasswordError(e.to_string());
    // Params::DEFAULT is OWASP's first recommendation: 19 MiB, 2 iterations, 1 lane.
    let params = Params::DEFAULT;
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2_into(&argon2, &params, password.as_bytes(), &salt, &mut out).map_err(|e| err(&e))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| err(&e))?,
        salt: Some(Salt::new(&salt).map_err(|e| err(&e))?),
        hash: Some(Output::new(&out).map_err(|e| err(&e))?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC string `hash` (any Argon2 variant and parameters, so
/// hashes written by other Ciel implementations verify). A malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    let Ok(phc) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&phc.salt, &phc.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(phc.algorithm.as_str()) else {
        return false;
    };
    let version = match phc.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(&phc) else {
        return false;
    };
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let mut out = vec![0u8; expected.len()];
    if argon2_into(
        &argon2,
        &params,
        password.as_bytes(),
        salt.as_ref(),
        &mut out,
    )
    .is_err()
    {
        return false;
    }
    // `Output` compares in constant time.
    Output::new(&out).is_ok_and(|computed| &computed == expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::PasswordVerifier;

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

    #[test]
    fn interoperates_with_the_reference_argon2_implementation() {
        // Ours verify with the crate's own verifier...
        let ours = hash_password("Interop1").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"Interop1", &parsed)
                .is_ok()
        );
        // ...and hashes made elsewhere, with other parameters and variants, verify with ours.
        let other_params = Params::new(8192, 3, 1, Some(32)).unwrap();
        for alg in [Algorithm::Argon2id, Algorithm::Argon2i] {
            let theirs = Argon2::new(alg, Version::V0x13, other_params.clone());
            let phc = argon2::password_hash::PasswordHasher::hash_password(&theirs, b"Interop1")
                .unwrap()
                .to_string();
            assert!(verify_password("Interop1", &phc), "{phc}");
            assert!(!verify_password("Interop2", &phc));
        }
    }
}
