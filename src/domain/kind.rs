use std::str::FromStr;

/// Whether a post is a reader's question or a staff article (a video, a
/// press mention...). Stored as the lowercase name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PostKind {
    Question,
    Article,
}

/// Where a post is in moderation. Only `Published` posts are public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PostStatus {
    Pending,
    Published,
    Hidden,
}

/// What a staff token may do. Admin includes everything staff may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Staff,
    Admin,
}

macro_rules! stored_enum {
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

stored_enum!(PostKind { Question => "question", Article => "article" });
stored_enum!(PostStatus { Pending => "pending", Published => "published", Hidden => "hidden" });
stored_enum!(Role { Staff => "staff", Admin => "admin" });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_ignores_case() {
        for kind in [PostKind::Question, PostKind::Article] {
            assert_eq!(kind.as_str().parse::<PostKind>(), Ok(kind));
        }
        assert_eq!("PUBLISHED".parse::<PostStatus>(), Ok(PostStatus::Published));
        assert_eq!(" Admin ".parse::<Role>(), Ok(Role::Admin));
        assert!("owner".parse::<Role>().unwrap_err().contains("staff"));
    }

    #[test]
    fn admin_outranks_staff() {
        assert!(Role::Admin > Role::Staff);
    }
}
