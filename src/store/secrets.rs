//! Secrets shared by every replica of a database, made by whichever comes
//! first: a new random value is offered, and whatever is stored wins.

use entity::instance_secret;
use rand::RngCore;
use sea_orm::sea_query::OnConflict;
use sea_orm::{EntityTrait, Set};

use super::Store;
use crate::error::{Error, Result};

impl Store {
    /// The 32-byte secret called `name`, made on first use.
    pub async fn instance_secret(&self, name: &str) -> Result<[u8; 32]> {
        let mut fresh = [0u8; 32];
        rand::rng().fill_bytes(&mut fresh);
        instance_secret::Entity::insert(instance_secret::ActiveModel {
            name: Set(name.to_owned()),
            value: Set(hex(&fresh)),
        })
        .on_conflict(
            OnConflict::column(instance_secret::Column::Name)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&self.db)
        .await?;
        let stored = instance_secret::Entity::find_by_id(name.to_owned())
            .one(&self.db)
            .await?
            .ok_or_else(|| corrupt(name))?;
        unhex(&stored.value).ok_or_else(|| corrupt(name))
    }
}

fn corrupt(name: &str) -> Error {
    Error::internal(std::io::Error::other(format!(
        "the stored instance secret {name:?} is missing or not 32 hex-encoded bytes"
    )))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if text.len() != 64 {
        return None;
    }
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_round_trip_through_hex() {
        let bytes: [u8; 32] = std::array::from_fn(|i| (i * 37) as u8);
        assert_eq!(unhex(&hex(&bytes)), Some(bytes));
        assert_eq!(unhex("zz"), None);
        assert_eq!(unhex(&"g".repeat(64)), None);
    }
}
