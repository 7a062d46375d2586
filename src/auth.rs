//! Staff API tokens: how they are made, stored and checked.

use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::domain::Role;
use crate::error::Result;
use crate::store::{Store, TokenRecord};

/// Who is making a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Anonymous,
    Staff {
        token_id: i64,
        name: String,
        role: Role,
    },
}

impl Principal {
    pub fn role(&self) -> Option<Role> {
        match self {
            Principal::Anonymous => None,
            Principal::Staff { role, .. } => Some(*role),
        }
    }

    /// The name recorded as the author of staff actions.
    pub fn display_name(&self) -> Option<&str> {
        match self {
            Principal::Anonymous => None,
            Principal::Staff { name, .. } => Some(name),
        }
    }
}

/// Prefix that makes a leaked kbql token easy to recognise in logs and
/// secret scanners.
const TOKEN_PREFIX: &str = "kbql_";

/// A new secret: 256 random bits, hex-encoded behind the prefix.
pub fn generate_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", hex(&bytes))
}

/// What is stored instead of the secret.
pub fn hash_token(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Creates a token and returns its record with the secret, which is shown
/// once and never stored.
pub async fn create_token(store: &Store, name: &str, role: Role) -> Result<(TokenRecord, String)> {
    let secret = generate_token();
    let record = store.create_token(name, role, &hash_token(&secret)).await?;
    Ok((record, secret))
}

/// Resolves an `Authorization` header value to a principal. A missing
/// header is anonymous; a malformed, unknown or revoked token is `None`,
/// which callers turn into UNAUTHENTICATED rather than silently demoting
/// the caller to anonymous.
pub async fn authenticate(store: &Store, header: Option<&str>) -> Result<Option<Principal>> {
    let Some(header) = header else {
        return Ok(Some(Principal::Anonymous));
    };
    // The scheme is case-insensitive (RFC 9110, section 11.1).
    let Some((scheme, secret)) = header.trim().split_once(' ') else {
        return Ok(None);
    };
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Ok(None);
    }
    let secret = secret.trim();
    if !secret.starts_with(TOKEN_PREFIX) || secret.len() > 128 {
        return Ok(None);
    }
    let presented = hash_token(secret);
    let Some((record, stored)) = store.active_token_by_hash(&presented).await? else {
        return Ok(None);
    };
    // The lookup matched on the hash already; the constant-time comparison
    // keeps the final decision free of timing differences all the same.
    if !constant_time_eq(presented.as_bytes(), stored.as_bytes()) {
        return Ok(None);
    }
    store.touch_token(record.id).await?;
    Ok(Some(Principal::Staff {
        token_id: record.id,
        name: record.name,
        role: record.role,
    }))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_prefixed() {
        let a = generate_token();
        let b = generate_token();
        assert_ne!(a, b);
        assert!(a.starts_with("kbql_"));
        assert_eq!(a.len(), 5 + 64);
    }

    #[test]
    fn hashes_are_sha256_hex() {
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
