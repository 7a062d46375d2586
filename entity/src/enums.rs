//! The closed sets of values some columns hold, stored as short lowercase
//! words so the rows read the same on SQLite and PostgreSQL. A row holding
//! anything else fails where it is read.

use std::str::FromStr;

use sea_orm::entity::prelude::*;

/// Whether a post is a reader's question or a staff article (a video, a
/// press mention...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum PostKind {
    #[sea_orm(string_value = "question")]
    Question,
    #[sea_orm(string_value = "article")]
    Article,
}

/// Where a post is in moderation. Only `Published` posts are public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum PostStatus {
    #[sea_orm(string_value = "pending")]
    Pending,
    #[sea_orm(string_value = "published")]
    Published,
    #[sea_orm(string_value = "hidden")]
    Hidden,
}

/// What a staff token may do. Admin includes everything staff may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Role {
    #[sea_orm(string_value = "staff")]
    Staff,
    #[sea_orm(string_value = "admin")]
    Admin,
}

/// The stored word of each value, and parsing it back (any case) from
/// import files and the command line.
macro_rules! words {
    ($ty:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $text),+ }
            }
        }

        impl FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($text => Ok($ty::$variant),)+
                    other => Err(format!(
                        concat!("unknown ", stringify!($ty), " {:?}; expected one of: ", $($text, " "),+),
                        other
                    )),
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

words!(PostKind { Question => "question", Article => "article" });
words!(PostStatus { Pending => "pending", Published => "published", Hidden => "hidden" });
words!(Role { Staff => "staff", Admin => "admin" });

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::ActiveEnum;

    #[test]
    fn words_round_trip_ignore_case_and_match_what_is_stored() {
        for kind in [PostKind::Question, PostKind::Article] {
            assert_eq!(kind.as_str().parse::<PostKind>(), Ok(kind));
            assert_eq!(kind.to_value(), kind.as_str());
        }
        for status in [
            PostStatus::Pending,
            PostStatus::Published,
            PostStatus::Hidden,
        ] {
            assert_eq!(status.to_value(), status.as_str());
        }
        assert_eq!("PUBLISHED".parse::<PostStatus>(), Ok(PostStatus::Published));
        assert_eq!(" Admin ".parse::<Role>(), Ok(Role::Admin));
        assert!("owner".parse::<Role>().unwrap_err().contains("staff"));
        assert!(PostKind::try_from_value(&"essay".to_owned()).is_err());
    }

    #[test]
    fn admin_outranks_staff() {
        assert!(Role::Admin > Role::Staff);
    }
}
