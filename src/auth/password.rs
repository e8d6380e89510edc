//! Password hashing: argon2id through the `argon2` crate (RustCrypto), stored as a PHC
//! string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`), so a later change of parameters still
//! verifies older hashes.
//!
//! Parameters ([`PARAMS`]): 19 MiB of memory, 2 passes, 1 lane — the OWASP Password
//! Storage Cheat Sheet's first argon2id configuration; a 16-byte random salt, a 32-byte
//! output. The time one hash takes on the machine is in the report of issue 25
//! (`cargo bench --bench accounts`).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// Memory per hash, KiB.
pub const MEMORY_KIB: u32 = 19 * 1024;
/// Passes over the memory.
pub const PASSES: u32 = 2;
/// Lanes.
pub const LANES: u32 = 1;

/// The fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The most bytes a password may have (a bound on the work one attempt can ask for).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Why a password could not be set or checked.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// Too short.
    #[error("a password needs at least {MIN_PASSWORD_CHARS} characters (it has {0})")]
    TooShort(usize),
    /// Too long.
    #[error("a password may have at most {MAX_PASSWORD_BYTES} bytes")]
    TooLong,
    /// The hashing library failed.
    #[error("hashing failed: {0}")]
    Hash(String),
}

fn hasher() -> Result<Argon2<'static>, PasswordError> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, Some(32))
        .map_err(|e| PasswordError::Hash(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Checks a new password's length.
pub fn check_strength(password: &str) -> Result<(), PasswordError> {
    let n = password.chars().count();
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(PasswordError::TooLong);
    }
    if n < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort(n));
    }
    Ok(())
}

/// The PHC string of `password`'s argon2id hash with a fresh random salt.
pub fn hash(password: &str) -> Result<String, PasswordError> {
    check_strength(password)?;
    let salt_bytes: [u8; 16] = rand::random();
    let salt =
        SaltString::encode_b64(&salt_bytes).map_err(|e| PasswordError::Hash(e.to_string()))?;
    hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Whether `password` matches the stored PHC string (false for a malformed one).
pub fn verify(password: &str, phc: &str) -> bool {
    if password.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    hasher().is_ok_and(|h| h.verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A hash no password matches, verified against when the account does not exist so
/// that a wrong name costs the same time as a wrong password.
pub fn decoy() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash(&crate::comments::keys::new_secret()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_carry_their_parameters() {
        let phc = hash("correct horse battery").expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse battery", &phc));
        assert!(!verify("correct horse batterz", &phc));
        assert!(!verify("correct horse battery", "not a hash"));
        assert_ne!(phc, hash("correct horse battery").expect("hash"));
    }

    #[test]
    fn strength() {
        assert!(matches!(hash("short"), Err(PasswordError::TooShort(5))));
        assert!(check_strength(&"x".repeat(2000)).is_err());
    }
}
