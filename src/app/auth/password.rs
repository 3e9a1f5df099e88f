//! Password hashing: argon2id with a random salt per password, stored as a PHC string
//! (`$argon2id$v=19$m=19456,t=2,p=1$...`), so the parameters can be raised later and old hashes
//! still verify.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// The shortest password accepted.
pub const MIN_LENGTH: usize = 10;
/// The longest password accepted (argon2 hashes anything, but a 1 MB "password" is an attack).
pub const MAX_LENGTH: usize = 256;

fn hasher() -> Argon2<'static> {
    // OWASP's recommended minimum for argon2id: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks a new password's length (characters).
pub fn acceptable(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_LENGTH {
        return Err(format!("a password has at least {MIN_LENGTH} characters"));
    }
    if n > MAX_LENGTH {
        return Err(format!("a password has at most {MAX_LENGTH} characters"));
    }
    Ok(())
}

/// Hashes a password (about 30 ms: run it off the async threads).
pub fn hash(password: &str) -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| format!("no random source: {e}"))?;
    let salt = SaltString::encode_b64(&bytes).map_err(|e| format!("cannot make a salt: {e}"))?;
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("cannot hash the password: {e}"))
}

/// Whether `password` matches the stored hash (false for a malformed hash).
pub fn verify(password: &str, stored: &str) -> bool {
    if password.len() > MAX_LENGTH * 4 {
        return false;
    }
    PasswordHash::new(stored)
        .map(|h| hasher().verify_password(password.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// A hash of a password nobody has, verified when the user name is unknown so that a wrong
/// user name costs as long as a wrong password (no user-name probing by timing).
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("decoy password that no account has").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let a = hash("correct horse battery").unwrap();
        let b = hash("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(verify("correct horse battery", &a));
        assert!(!verify("correct horse batterz", &a));
        assert!(!verify("anything", "not a hash"));
        assert!(acceptable("short").is_err());
        assert!(acceptable(&"x".repeat(300)).is_err());
    }
}
