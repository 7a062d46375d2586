//! Ids and cursors as clients see them.
//!
//! Posts are numbered in the order they are written, and a visitor who
//! could read those numbers would learn how many posts exist that they
//! cannot see (a question asked today is number 49; the newest published
//! post is 40). So a post id leaves kbql as its number sealed with AES
//! under a key the database keeps for every replica: 22 characters that
//! say nothing about order and that only this database's kbql can open.
//! Listing cursors hold a post's number too and are sealed the same way.
//! Other records (synonym groups, tokens, audit entries) are staff-only
//! and keep their plain numbers.

use aes::Aes128;
use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit};
use async_graphql::{Context, ID};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::DateTime;
use sha2::{Digest, Sha256};

use crate::domain::{FieldError, FieldErrorCode};
use crate::error::{Error, Result};
use crate::store::{Cursor, Store};

/// The name of the database secret the keys are derived from.
const SECRET: &str = "public-ids";
/// The first half of a sealed post id's block: a constant that a forged or
/// mistyped id fails to decrypt to (64 bits of check).
const POST_MAGIC: [u8; 8] = *b"kbqlpost";

/// Seals and opens post ids and listing cursors.
pub struct PublicIds {
    posts: Aes128,
    cursors: Aes128,
}

impl PublicIds {
    /// The keys of the database `store` holds, made on first use.
    pub async fn load(store: &Store) -> Result<Self> {
        Ok(Self::from_secret(&store.instance_secret(SECRET).await?))
    }

    pub fn from_secret(secret: &[u8; 32]) -> Self {
        let key = |purpose: &[u8]| {
            let digest = Sha256::new()
                .chain_update(purpose)
                .chain_update(secret)
                .finalize();
            Aes128::new_from_slice(&digest[..16]).expect("16 bytes are an AES-128 key")
        };
        PublicIds {
            posts: key(b"kbql post id\0"),
            cursors: key(b"kbql listing cursor\0"),
        }
    }

    pub fn post_id(&self, id: i64) -> ID {
        let mut block = [0u8; 16];
        block[..8].copy_from_slice(&POST_MAGIC);
        block[8..].copy_from_slice(&id.to_be_bytes());
        ID(seal(&self.posts, block))
    }

    /// The post number inside `id`, when `id` is one this database sealed.
    pub fn parse_post_id(&self, id: &str) -> Option<i64> {
        let block = open(&self.posts, id)?;
        if block[..8] != POST_MAGIC {
            return None;
        }
        let n = i64::from_be_bytes(block[8..].try_into().ok()?);
        (n > 0).then_some(n)
    }

    pub fn cursor(&self, cursor: Cursor) -> String {
        let mut block = [0u8; 16];
        block[..8].copy_from_slice(&cursor.at.timestamp_micros().to_be_bytes());
        block[8..].copy_from_slice(&cursor.id.to_be_bytes());
        seal(&self.cursors, block)
    }

    pub fn parse_cursor(&self, text: &str) -> Result<Cursor> {
        let invalid = || Error::bad_input("invalid cursor: pass a cursor this API returned");
        let block = open(&self.cursors, text).ok_or_else(invalid)?;
        let micros = i64::from_be_bytes(block[..8].try_into().map_err(|_| invalid())?);
        let id = i64::from_be_bytes(block[8..].try_into().map_err(|_| invalid())?);
        let at = DateTime::from_timestamp_micros(micros).ok_or_else(invalid)?;
        Ok(Cursor { at, id })
    }
}

fn seal(cipher: &Aes128, block: [u8; 16]) -> String {
    let mut block = block.into();
    cipher.encrypt_block(&mut block);
    URL_SAFE_NO_PAD.encode(block)
}

fn open(cipher: &Aes128, text: &str) -> Option<[u8; 16]> {
    let text = text.trim();
    // 16 bytes are 22 characters; anything longer is not worth decoding.
    if text.len() != 22 {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
    let block: [u8; 16] = bytes.try_into().ok()?;
    let mut block = block.into();
    cipher.decrypt_block(&mut block);
    Some(block.into())
}

fn public_ids<'a>(ctx: &Context<'a>) -> &'a PublicIds {
    ctx.data_unchecked::<PublicIds>()
}

pub fn to_id(ctx: &Context<'_>, post: i64) -> ID {
    public_ids(ctx).post_id(post)
}

/// For queries: a malformed id is a top-level BAD_USER_INPUT.
/// The post number inside `id`, if it is a post id this API gave out.
pub fn post_number(ctx: &Context<'_>, id: &ID) -> Option<i64> {
    public_ids(ctx).parse_post_id(id)
}

pub fn require_id(ctx: &Context<'_>, id: &ID) -> Result<i64, Error> {
    public_ids(ctx)
        .parse_post_id(id)
        .ok_or_else(|| Error::bad_input("this is not a post id: pass an id this API returned"))
}

/// For mutations: a malformed id is a user error on the `id` field.
pub fn field_id(ctx: &Context<'_>, id: &ID) -> Result<i64, FieldError> {
    public_ids(ctx)
        .parse_post_id(id)
        .ok_or_else(|| FieldError::new("id", FieldErrorCode::Invalid, "not a post id"))
}

pub fn cursor(ctx: &Context<'_>, at: Cursor) -> String {
    public_ids(ctx).cursor(at)
}

pub fn parse_cursor(ctx: &Context<'_>, text: &str) -> Result<Cursor, Error> {
    public_ids(ctx).parse_cursor(text)
}

/// Staff-only records keep their numbers, as decimal strings.
pub fn record_id(n: i64) -> ID {
    ID(n.to_string())
}

pub fn parse_record_id(id: &ID, what: &'static str) -> Result<i64, FieldError> {
    id.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| FieldError::new("id", FieldErrorCode::Invalid, format!("not a {what} id")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(seed: u8) -> PublicIds {
        PublicIds::from_secret(&[seed; 32])
    }

    #[test]
    fn post_ids_round_trip_and_say_nothing_of_their_order() {
        let ids = ids(1);
        let a = ids.post_id(48);
        let b = ids.post_id(49);
        assert_eq!(a.len(), 22);
        assert_eq!(ids.parse_post_id(&a), Some(48));
        assert_eq!(ids.parse_post_id(&b), Some(49));
        assert_ne!(a[..4], b[..4], "neighbours share no visible prefix");
        assert!(a.parse::<i64>().is_err());
    }

    #[test]
    fn ids_of_another_database_or_made_up_are_refused() {
        let mine = ids(1);
        let theirs = ids(2);
        assert_eq!(mine.parse_post_id(&theirs.post_id(7)), None);
        for junk in [
            "",
            "7",
            "49",
            "not an id",
            &"A".repeat(22),
            &"A".repeat(10_000),
        ] {
            assert_eq!(mine.parse_post_id(junk), None, "{junk}");
        }
        // A cursor is not an id, nor an id a cursor.
        let cursor = mine.cursor(Cursor {
            at: DateTime::from_timestamp_micros(1_700_000_000_000_000).unwrap(),
            id: 7,
        });
        assert_eq!(mine.parse_post_id(&cursor), None);
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_bad_input() {
        let ids = ids(3);
        let c = Cursor {
            at: DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap(),
            id: 42,
        };
        assert_eq!(ids.parse_cursor(&ids.cursor(c)).unwrap(), c);
        for bad in ["", "abc", "%%%", &"z".repeat(23)] {
            assert_eq!(ids.parse_cursor(bad).unwrap_err().code(), "BAD_USER_INPUT");
        }
    }

    #[test]
    fn record_ids_are_plain_numbers() {
        assert_eq!(record_id(5).as_str(), "5");
        assert_eq!(parse_record_id(&ID("5".into()), "synonym group"), Ok(5));
        assert!(parse_record_id(&ID("0".into()), "synonym group").is_err());
        assert!(parse_record_id(&ID("x".into()), "synonym group").is_err());
    }
}
