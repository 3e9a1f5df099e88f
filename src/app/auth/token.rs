//! Session tokens: 256 random bits from the operating system, written as 64 hex digits. The
//! store keeps only their SHA-256, so a copy of the store opens no session.

use sha2::{Digest, Sha256};

/// A new token and its hash, or why the system's random source failed.
pub fn new_token() -> Result<(String, String), String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no random source: {e}"))?;
    let token = hex(&bytes);
    let hash = token_hash(&token);
    Ok((token, hash))
}

/// The hash a token is stored under (hex SHA-256).
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Whether `s` has the shape of a token (64 lower-case hex digits): anything else is refused
/// before it reaches the store.
pub fn looks_like_token(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bit_hex_and_stored_hashed() {
        let (t, h) = new_token().unwrap();
        let (t2, _) = new_token().unwrap();
        assert!(looks_like_token(&t));
        assert_ne!(t, t2);
        assert_ne!(t, h);
        assert_eq!(h, token_hash(&t));
        assert!(!looks_like_token("abc"));
        assert!(!looks_like_token(&"G".repeat(64)));
    }
}
