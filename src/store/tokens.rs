use chrono::{DateTime, Utc};
use entity::api_token;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::{Store, now};
use crate::domain::Role;
use crate::error::Result;

/// A staff token as staff may see it: never the secret, never the hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<api_token::Model> for TokenRecord {
    fn from(m: api_token::Model) -> Self {
        TokenRecord {
            id: m.id,
            name: m.name,
            role: m.role,
            created_at: m.created_at,
            last_used_at: m.last_used_at,
            revoked_at: m.revoked_at,
        }
    }
}

impl Store {
    pub async fn create_token(
        &self,
        name: &str,
        role: Role,
        token_hash: &str,
    ) -> Result<TokenRecord> {
        let model = api_token::ActiveModel {
            name: Set(name.to_owned()),
            role: Set(role),
            token_hash: Set(token_hash.to_owned()),
            created_at: Set(now()),
            last_used_at: Set(None),
            revoked_at: Set(None),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        Ok(model.into())
    }

    /// The live (not revoked) token with this hash, with the stored hash
    /// so the caller can compare it in constant time.
    pub async fn active_token_by_hash(
        &self,
        token_hash: &str,
    ) -> Result<Option<(TokenRecord, String)>> {
        let found = api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(token_hash))
            .filter(api_token::Column::RevokedAt.is_null())
            .one(&self.db)
            .await?;
        Ok(found.map(|m| {
            let hash = m.token_hash.clone();
            (TokenRecord::from(m), hash)
        }))
    }

    /// Records a use. Writes at most once a minute per token, so busy
    /// staff sessions do not turn every request into a write.
    pub async fn touch_token(&self, id: i64) -> Result<()> {
        let at = now();
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(at))
            .filter(api_token::Column::Id.eq(id))
            .filter(
                sea_orm::Condition::any()
                    .add(api_token::Column::LastUsedAt.is_null())
                    .add(api_token::Column::LastUsedAt.lt(at - chrono::Duration::minutes(1))),
            )
            .exec(&self.db)
            .await?;
        Ok(())
    }

    pub async fn list_tokens(&self) -> Result<Vec<TokenRecord>> {
        Ok(api_token::Entity::find()
            .order_by_asc(api_token::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(TokenRecord::from)
            .collect())
    }

    /// Revokes a token by id; false when no live token has that id.
    pub async fn revoke_token(&self, id: i64) -> Result<bool> {
        let res = api_token::Entity::update_many()
            .col_expr(api_token::Column::RevokedAt, Expr::value(now()))
            .filter(api_token::Column::Id.eq(id))
            .filter(api_token::Column::RevokedAt.is_null())
            .exec(&self.db)
            .await?;
        Ok(res.rows_affected > 0)
    }
}
